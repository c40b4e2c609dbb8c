import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { parseAttentionDump, type AttentionDump } from '../src/core/io/dump';
import { parseSafetensors } from '../src/core/io/safetensors';
import { readZip, writeZip } from '../src/core/io/zip';
import type { AnalysisRecord } from '../src/core/rhythm/record';
import { isWebgpuProject, snap, trackConsoleErrors, waitForModel } from './helpers';
import { dropFiles } from './workbench-helpers';

/**
 * Every model family in the browser, as transformers wrote it: the tiny random checkpoints of
 * scripts/make-family-fixtures.py (Qwen3; Llama with llama3 RoPE scaling; Qwen2 in BF16 shards) and
 * e2e/fixtures/make-gpt2-family-fixture.py (GPT-2), each with transformers' eager logits and attention.
 *
 * 1. Numbers: each folder is opened by URL (?model=) on webgpu (the webgpu project: SwiftShader's fallback
 *    adapter here), webgl and wasm (the no-webgpu project); the logits must be within 2e-3 of transformers'
 *    (relative to their largest magnitude) and every attention map of the app's own exported dump within 1e-4.
 * 2. The workbench: each family is loaded by URL, .zip and folder, generated from, analysed, its dump exported
 *    and imported back, as the GPT-2 tests do for the built-in model; the Train tab fine-tunes a tiny Llama and
 *    its exported checkpoint loads back.
 */
const FIXTURES = {
  gpt2: 'e2e/fixtures/families/gpt2',
  qwen3: 'src/core/model/testing/fixtures/qwen3',
  llama3: 'src/core/model/testing/fixtures/llama3',
  'qwen2-bf16-sharded': 'src/core/model/testing/fixtures/qwen2-bf16-sharded',
} as const;
type FixtureName = keyof typeof FIXTURES;
const NAMES = Object.keys(FIXTURES) as FixtureName[];
/** A tiny random Llama over the built-in model's char vocabulary (task prompts tokenize): the Train tab's model. */
const TRAIN_FIXTURE = 'e2e/fixtures/families/llama-train';
const SERVED: Record<string, string> = { ...FIXTURES, 'llama-train': TRAIN_FIXTURE };

interface Expected {
  ids: number[];
  logits: number[][]; // [N, V]
  attentions: number[][][][]; // [L, H, N, N]
}
const expectedOf = (name: FixtureName): Expected =>
  JSON.parse(readFileSync(join(FIXTURES[name], 'expected.json'), 'utf8')) as Expected;
/** The fixture's files as the loader reads them (expected.json left out). */
function folderFiles(name: FixtureName): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  for (const f of readdirSync(FIXTURES[name]))
    if (f !== 'expected.json') out[f] = readFileSync(join(FIXTURES[name], f));
  return out;
}
/** The fixtures' char vocabulary: one character per id, so text ↔ ids is exact. */
const VOCAB: string[] = JSON.parse(readFileSync(join(FIXTURES.qwen3, 'char_vocab.json'), 'utf8')).tokens;
const textOf = (ids: number[]) => ids.map((i) => VOCAB[i]).join('');

const LOGITS_REL_TOL = 2e-3;
const ATTENTION_TOL = 1e-4;

/**
 * Serves the fixture folders at http://127.0.0.1:<port>/<name>/<file>, with CORS (the engine worker fetches a
 * ?model= URL; the page is cross-origin isolated) and 404 for files a folder lacks (the loader probes for them).
 */
async function startFixtureServer(): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const headers = { 'Access-Control-Allow-Origin': '*', 'Cross-Origin-Resource-Policy': 'cross-origin' };
    const [, name, file] = /^\/([^/]+)\/([^/?]+)/.exec(req.url ?? '') ?? [];
    const dir = SERVED[name];
    const path = dir && file ? resolve(dir, file) : '';
    if (!path || !path.startsWith(resolve(dir)) || !existsSync(path) || !statSync(path).isFile()) {
      res.writeHead(404, headers).end('not found');
      return;
    }
    res.writeHead(200, { ...headers, 'Content-Type': 'application/octet-stream' }).end(readFileSync(path));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

let fixtureServer: { url: string; server: Server };
test.beforeAll(async () => {
  fixtureServer = await startFixtureServer();
});
test.afterAll(async () => {
  fixtureServer.server.closeAllConnections();
  await new Promise<void>((r) => fixtureServer.server.close(() => r()));
});

/** Opens the app on a fixture folder by URL, on a named backend, and checks that backend is the active one. */
async function openByUrl(page: Page, name: string, backend: string): Promise<void> {
  const q = new URLSearchParams({ test: '1', backend, model: `${fixtureServer.url}/${name}/` });
  await page.goto(`/?${q}`);
  await waitForModel(page, name);
  expect(await page.evaluate(() => window.__rhythmscope!.state().backend)).toBe(backend);
  // tf.getBackend() in the worker now: a setBackend that failed quietly would leave webgl (or cpu) running.
  expect(await page.evaluate(() => window.__rhythmscope!.activeBackend())).toBe(backend);
}

/** Downloads the current analysis as an attention dump through the Export menu. */
async function exportDump(page: Page): Promise<{ path: string; bytes: Buffer }> {
  await page.getByTestId('export-menu-toggle').click();
  const [d] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-dump').click()]);
  const path = (await d.path())!;
  expect(d.suggestedFilename()).toMatch(/\.safetensors$/);
  return { path, bytes: readFileSync(path) };
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** max |a − b| over max |b|: logits are compared relative to their scale. */
function relativeError(a: ArrayLike<number>, b: number[]): number {
  return maxAbsDiff(a, b) / Math.max(...b.map(Math.abs));
}

async function checkNumbers(page: Page, name: FixtureName, backend: string): Promise<string> {
  const exp = expectedOf(name);
  await openByUrl(page, name, backend);

  const out = await page.evaluate((ids) => window.__rhythmscope!.forwardLogits(ids), exp.ids);
  expect([out.seqLen, out.vocabSize]).toEqual([exp.ids.length, exp.logits[0].length]);
  const logitsErr = relativeError(out.logits, exp.logits.flat());
  expect(logitsErr, `${name} on ${backend}: logits`).toBeLessThan(LOGITS_REL_TOL);

  // The same ids through the app's analysis (prompt = the first 3), then every layer of its exported dump.
  const text = textOf(exp.ids);
  const analysed = await page.evaluate(
    ([p, r]) => window.__rhythmscope!.analyzeText(p, r),
    [text.slice(0, 3), text.slice(3)],
  );
  expect(analysed.ok, `${name} on ${backend}: analysis`).toBe(true);
  const dump: AttentionDump = parseAttentionDump(new Uint8Array((await exportDump(page)).bytes), `${name}.safetensors`);
  expect(dump.tokenIds).toEqual(exp.ids);
  expect(dump.layerIndices).toEqual(exp.attentions.map((_, l) => l));
  let attnErr = 0;
  for (const l of dump.layerIndices) {
    const err = maxAbsDiff(dump.layer(l), exp.attentions[l].flat(2));
    expect(err, `${name} on ${backend}: attention of layer ${l}`).toBeLessThan(ATTENTION_TOL);
    attnErr = Math.max(attnErr, err);
  }
  // The analysis forward's logits travel in the dump too.
  const dumpLogitsErr = dump.logits ? relativeError(dump.logits.data, exp.logits.flat()) : NaN;
  expect(dumpLogitsErr, `${name} on ${backend}: dump logits`).toBeLessThan(LOGITS_REL_TOL);
  return `${name} on ${backend}: logits ${logitsErr.toExponential(1)} relative (dump ${dumpLogitsErr.toExponential(1)}), attention ${attnErr.toExponential(1)}`;
}

test.describe('model families against transformers', () => {
  test('webgpu: logits and every attention map of each family', async ({ page }, info) => {
    test.skip(!isWebgpuProject(info), 'webgpu project only');
    const lines: string[] = [];
    for (const name of NAMES) lines.push(await checkNumbers(page, name, 'webgpu'));
    console.log(lines.join('\n'));
  });

  for (const backend of ['webgl', 'wasm'] as const) {
    test(`${backend}: logits and every attention map of each family`, async ({ page }, info) => {
      test.skip(isWebgpuProject(info), 'no-webgpu project only');
      const lines: string[] = [];
      for (const name of NAMES) lines.push(await checkNumbers(page, name, backend));
      console.log(lines.join('\n'));
    });
  }
});

async function waitForAnalysis(page: Page): Promise<void> {
  await expect(page.getByTestId('analysis-status')).toBeVisible();
  await expect(page.getByTestId('analysis-progress')).toHaveCount(0);
  await expect(page.locator('[data-testid="attention-heatmap"] canvas')).toBeVisible();
}

/** Greedy generation from a prompt in the fixtures' vocabulary; the app analyses the result by itself. */
async function generate(page: Page, prompt: string, maxTokens: number): Promise<AnalysisRecord> {
  const before = await page.evaluate(() => window.__rhythmscope!.record());
  await page.getByTestId('prompt-input').fill(prompt);
  await page.getByTestId('max-tokens-input').fill(String(maxTokens));
  await page.getByTestId('temperature-input').fill('0');
  await page.getByTestId('generate-button').click();
  await expect(page.getByTestId('generation-status')).toContainText('token');
  await expect.poll(() => page.evaluate(() => window.__rhythmscope!.record())).not.toEqual(before);
  await waitForAnalysis(page);
  return (await page.evaluate(() => window.__rhythmscope!.record()))!;
}

/** The model panel names the family and its real attention shape (read from the folder's config.json). */
async function expectFacts(page: Page, name: string): Promise<void> {
  const c = JSON.parse(readFileSync(join(SERVED[name], 'config.json'), 'utf8'));
  const gpt2 = c.model_type === 'gpt2';
  const heads = gpt2 ? c.n_head : c.num_attention_heads;
  const kv = gpt2 ? heads : c.num_key_value_heads;
  const headDim = gpt2 ? c.n_embd / c.n_head : (c.head_dim ?? c.hidden_size / heads);
  const fact = (label: string) =>
    page
      .getByTestId('model-facts')
      .locator('.fact')
      .filter({ has: page.locator('dt', { hasText: label }) })
      .locator('dd');
  await expect(fact('Family')).toHaveText(c.model_type);
  await expect(fact('Layers × heads')).toHaveText(kv === heads ? `2 × ${heads}` : `2 × ${heads} (${kv} KV)`);
  await expect(fact('head_dim')).toHaveText(String(headDim));
  await expect(fact('dtype on disk')).toHaveText(c.dtype ?? c.torch_dtype ?? 'float32');
}

test.describe('model families in the workbench', () => {
  for (const name of NAMES) {
    test(`${name}: by URL, .zip and folder; generate, analyse, export the dump and import it back`, async ({
      page,
    }, info) => {
      test.skip(isWebgpuProject(info), 'the numbers test covers webgpu; one project is enough here');
      const errors = trackConsoleErrors(page);
      const backend = 'wasm';
      const files = folderFiles(name);

      // By URL: generate, analyse, export.
      await openByUrl(page, name, backend);
      const rec = await generate(page, 'BRq', 6);
      const prompt = rec.token_ids!.slice(0, rec.prompt_length);
      expect(prompt).toEqual([1, 17, 42]);
      expect(rec.tokens.length).toBeGreaterThan(rec.prompt_length);
      expect(rec.num_layers).toBe(2);
      expect(rec.num_heads).toBe(4);
      expect(rec.waad.length).toBe(rec.tokens.length - rec.prompt_length);
      const dump = await exportDump(page);
      await expectFacts(page, name);
      await snap(page, info, `family-${name}`);

      // The same model as a .zip (inside one folder, as `zip -r` makes it): same greedy tokens.
      const zip = Buffer.from(
        writeZip(Object.entries(files).map(([f, bytes]) => ({ path: `${name}/${f}`, bytes: new Uint8Array(bytes) }))),
      );
      await page
        .getByTestId('model-zip-input')
        .setInputFiles({ name: `${name}-zipped.zip`, mimeType: 'application/zip', buffer: zip });
      await waitForModel(page, `${name}-zipped`);
      expect((await generate(page, 'BRq', 6)).token_ids).toEqual(rec.token_ids);

      // As a folder, through the folder picker, then dropped: same greedy tokens again.
      await page.getByTestId('model-folder-input').setInputFiles(FIXTURES[name]);
      await waitForModel(page, name);
      expect((await generate(page, 'BRq', 6)).token_ids).toEqual(rec.token_ids);
      await dropFiles(page, files);
      await waitForModel(page, 'dropped files');

      // The exported dump, imported back: the same tokens and metrics.
      await page.getByTestId('import-dump-input').setInputFiles(dump.path);
      await expect(page.getByTestId('analysis-status')).toContainText('imported attention dump');
      const imported = (await page.evaluate(() => window.__rhythmscope!.record()))!;
      expect(imported.tokens).toEqual(rec.tokens);
      expect(imported.token_ids).toEqual(rec.token_ids);
      expect(imported.waad).toEqual(rec.waad);
      expect(imported.fai).toEqual(rec.fai);
      expect(imported.heads).toEqual(rec.heads);
      await expect(page.locator('[data-testid="attention-heatmap"] canvas')).toBeVisible();
      await snap(page, info, `family-${name}-imported`);
      expect(errors.filter((e) => !/404/.test(e))).toEqual([]);
    });
  }
});

test('the Train tab fine-tunes a tiny Llama; the exported checkpoint is a Llama folder that loads and generates', async ({
  page,
}, info) => {
  test.skip(isWebgpuProject(info), 'one project is enough');
  const errors = trackConsoleErrors(page);
  await openByUrl(page, 'llama-train', 'wasm');
  await page.getByTestId('tab-train').click();
  await expect(page.getByTestId('train-panel')).toBeVisible();
  const fill: [string, string][] = [
    ['train-steps', '2'],
    ['train-prompts', '2'],
    ['train-group', '2'],
    ['train-max-tokens', '12'],
    ['train-eval-problems', '2'],
    ['train-eval-every', '2'],
    ['train-seeds', '0'],
  ];
  for (const [id, v] of fill) await page.getByTestId(id).fill(v);
  for (const s of ['uniform', 'coupled']) await page.getByTestId(`train-strategy-${s}`).check();
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-status', 'done', { timeout: 90_000 });
  await expect(page.getByTestId('train-status')).toContainText('2 runs, 4 steps');
  await expect(page.locator('[data-testid="train-chart-reward"] g[data-series] path')).toHaveCount(2);
  await snap(page, info, 'family-llama-train');

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('train-export').click()]);
  const fileName = download.suggestedFilename();
  const zipBytes = new Uint8Array(readFileSync((await download.path())!));
  const entries = await readZip(zipBytes, fileName);
  const byName = Object.fromEntries(entries.map((e) => [e.path.split('/').pop()!, e.bytes]));
  const config = JSON.parse(new TextDecoder().decode(byName['config.json']));
  expect(config).toMatchObject({ model_type: 'llama', num_hidden_layers: 2, num_key_value_heads: 2 });
  const names = parseSafetensors(byName['model.safetensors'], 'model.safetensors').names;
  expect(names).toContain('model.layers.1.self_attn.k_proj.weight');
  // The same tensors as transformers saved (a random model earns reward 0 on every sample here, so GRPO's
  // advantages are all zero and the weights stay as they were: the update itself is tested in Node).
  const start = parseSafetensors(new Uint8Array(readFileSync(join(TRAIN_FIXTURE, 'model.safetensors'))), 'start');
  const tuned = parseSafetensors(byName['model.safetensors'], 'tuned');
  expect([...tuned.names].sort()).toEqual([...start.names].sort());
  for (const n of start.names) expect(tuned.info(n)!.shape, n).toEqual(start.info(n)!.shape);

  await page
    .getByTestId('model-zip-input')
    .setInputFiles({ name: fileName, mimeType: 'application/zip', buffer: Buffer.from(zipBytes) });
  await waitForModel(page, fileName.replace(/\.zip$/, ''));
  await page.getByTestId('tab-workbench').click();
  await expectFacts(page, 'llama-train');
  await generate(page, '1+2=?\n', 4);
  expect(errors.filter((e) => !/404/.test(e))).toEqual([]);
});
