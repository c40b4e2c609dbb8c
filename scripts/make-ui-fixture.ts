/**
 * Writes tools/harness/fixture.json for the dev harness and view tests: runs a model (the built-in rhythm-mini if
 * present, else the tiny random GPT-2) teacher-forced on a fixed prompt + response, analyses it with the
 * rhythm engine (thumbnails 64×64, full maps of the local and global heads) and stores the result.
 *   npx tsx scripts/make-ui-fixture.ts [--model DIR] [--out FILE]
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { initNodeBackend } from '../src/core/backend/node';
import { filesFromDir } from '../src/core/io/node-files';
import { loadModel } from '../src/core/model/load';
import { analyzeModel, type HeadRef } from '../src/core/rhythm';
import { encodeF32, type FixtureJson } from '../tools/harness/fixture';

const PROMPT = 'Use 3, 7, 25, 50 once each with + - * / to make 100.\n';
const RESPONSE =
  'Try 50 + 25 = 75, 75 + 7 = 82: too small.\n' +
  'Try 7 - 3 = 4, 4 * 25 = 100, but 50 is unused.\n' +
  'So (50 / 25 + 3) * 7 ... Answer: <img src=x onerror=alert(1)>';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const modelDir = arg(
  '--model',
  existsSync('public/models/rhythm-mini/config.json') ? 'public/models/rhythm-mini' : 'public/models/tiny-random',
);
const outFile = arg('--out', 'tools/harness/fixture.json');
const THUMB = 64;

await initNodeBackend('wasm');
const { model, tokenizer } = await loadModel(filesFromDir(modelDir));
const promptIds = tokenizer.encode(PROMPT);
const ids = [...promptIds, ...tokenizer.encode(RESPONSE)];
const tokens = ids.map((id) => tokenizer.tokenString(id));
const { n_layer: L, n_head: H } = model.config;

// First pass: which heads are local / global for this sequence; second pass keeps exactly those maps.
const seq = { ids, promptLength: promptIds.length, tokens };
const first = analyzeModel(model, seq, {}, {});
const keep: HeadRef[] = [...first.record.heads.local, ...first.record.heads.global].filter(
  (h, i, all) => all.findIndex((g) => g[0] === h[0] && g[1] === h[1]) === i,
);
const { record, cache } = analyzeModel(model, seq, {}, { thumbnailSize: THUMB, keepMaps: keep });

const json: FixtureJson = {
  source: `scripts/make-ui-fixture.ts on ${modelDir}, teacher-forced, default rhythm options`,
  model: model.name || modelDir,
  numLayers: L,
  numHeads: H,
  seqLen: ids.length,
  promptLength: promptIds.length,
  record,
  spans: Array.from({ length: L }, (_, l) => Array.from(cache.layers.get(l)?.span ?? [], (d) => Number(d.toFixed(4)))),
  thumbnailSize: cache.thumbnails.values().next().value?.size ?? THUMB,
  thumbnails: [...cache.thumbnails.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([layer, t]) => ({ layer, data: encodeF32(t.data) })),
  maps: keep.map(([layer, head]) => ({ layer, head, data: encodeF32(cache.maps.get(`${layer}:${head}`)!) })),
};
const text = JSON.stringify(json);
await writeFile(outFile, text + '\n');
console.log(
  `${outFile}: N=${ids.length} (prompt ${promptIds.length}), ${L}x${H} heads, ${keep.length} maps, ${(text.length / 1024).toFixed(0)} KB`,
);
model.dispose();
