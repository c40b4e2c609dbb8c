/**
 * Writes public/models/tiny-random/: a deterministic random GPT-2 (HF layout) for tests and UI demos.
 * Run: npx tsx scripts/make-fixture.ts [outDir]. Same code -> byte-identical files (a test checks this).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeSafetensors } from '../src/core/io/safetensors';
import { charVocabJson, makeTinyGpt2, type TinyGpt2Options } from '../src/core/model/testing/tinyGpt2';

/** 2 layers × 4 heads, d = 24, 1024 positions (long-sequence UI tests), 97 characters: ~166 KB. */
export const FIXTURE_OPTIONS: TinyGpt2Options = { nLayer: 2, nHead: 4, nEmbd: 24, nPositions: 1024, seed: 20251015 };
export const FIXTURE_DIR = 'public/models/tiny-random';

const README = `# tiny-random

A **randomly initialised** GPT-2 (not trained: its text is noise) used by tests, the CLI examples and
the UI's demo mode. Hugging Face layout: \`config.json\`, \`model.safetensors\` (F32, names without the
\`transformer.\` prefix, LM head tied to \`wte\`), \`char_vocab.json\` (our character vocabulary, see
src/core/tokenizer/README.md; id 0 is \`<eos>\`).

Shape: ${FIXTURE_OPTIONS.nLayer} layers, ${FIXTURE_OPTIONS.nHead} heads, n_embd ${FIXTURE_OPTIONS.nEmbd}, n_positions ${FIXTURE_OPTIONS.nPositions}, vocab 97.
Weights are seeded (seed ${FIXTURE_OPTIONS.seed}) and scaled so attention maps are peaked and varied.

Regenerate with \`npx tsx scripts/make-fixture.ts\` (byte-identical output; scripts/make-fixture.test.ts checks it).
`;

/** File name -> contents of the fixture. */
export function fixtureFiles(): Record<string, Uint8Array | string> {
  const { configJson, tensors } = makeTinyGpt2(FIXTURE_OPTIONS);
  return {
    'config.json': configJson,
    'model.safetensors': writeSafetensors(tensors, { format: 'pt', note: 'random weights, not trained' }),
    'char_vocab.json': charVocabJson() + '\n',
    'README.md': README,
  };
}

async function main(): Promise<void> {
  const out = resolve(process.argv[2] ?? FIXTURE_DIR);
  await mkdir(out, { recursive: true });
  for (const [name, data] of Object.entries(fixtureFiles())) {
    await writeFile(join(out, name), data);
    console.log(`wrote ${join(out, name)} (${typeof data === 'string' ? Buffer.byteLength(data) : data.length} bytes)`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
