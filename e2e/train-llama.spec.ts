/**
 * The Train panel on a tiny random Llama (transformers-written fixture: grouped-query attention, llama3 RoPE
 * scaling, untied head) given the tasks' character vocabulary, opened as a .zip: a short GRPO comparison trains in
 * the browser worker through the shared decoder and draws its curves; the exported folder is still a Llama (its
 * config.json and untied lm_head kept) and loads back through the model picker.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { parseSafetensors } from '../src/core/io/safetensors';
import { readZip, writeZip } from '../src/core/io/zip';
import { paddedTaskVocabJson } from '../src/core/train/testing/vocab';
import { appUrl, isWebgpuProject, snap, trackConsoleErrors, waitForModel } from './helpers';

const FIXTURE = 'src/core/model/testing/fixtures/llama3';
const MODEL = 'tiny-llama';

/** The fixture folder zipped as `tiny-llama/…`, with the tasks' vocabulary padded to the model's 64 ids. */
function llamaZip(): Buffer {
  const entries = readdirSync(FIXTURE)
    .filter((f) => f !== 'expected.json' && f !== 'char_vocab.json')
    .map((f) => ({ path: `${MODEL}/${f}`, bytes: new Uint8Array(readFileSync(join(FIXTURE, f))) }));
  entries.push({ path: `${MODEL}/char_vocab.json`, bytes: new TextEncoder().encode(paddedTaskVocabJson(64)) });
  return Buffer.from(writeZip(entries));
}

async function tinySettings(page: Page) {
  const fill: [string, string][] = [
    ['train-steps', '3'],
    ['train-prompts', '2'],
    ['train-group', '2'],
    ['train-max-tokens', '8'],
    ['train-eval-problems', '2'],
    ['train-eval-every', '3'],
    ['train-seeds', '0'],
  ];
  for (const [id, v] of fill) await page.getByTestId(id).fill(v);
  await page.getByTestId('train-task').selectOption('addition');
  await page.getByTestId('train-level').selectOption('1');
  for (const s of ['uniform', 'coupled']) await page.getByTestId(`train-strategy-${s}`).check();
}

test('Train tab on a tiny Llama: GRPO steps, curves, an exported Llama that loads back', async ({ page }, info) => {
  test.skip(isWebgpuProject(info), 'one project is enough: training runs in the wasm worker here');
  test.setTimeout(180_000);
  const errors = trackConsoleErrors(page);
  await page.goto(appUrl(info));
  await waitForModel(page);
  await page
    .getByTestId('model-zip-input')
    .setInputFiles({ name: `${MODEL}.zip`, mimeType: 'application/zip', buffer: llamaZip() });
  await waitForModel(page, MODEL);

  await page.getByTestId('tab-train').click();
  await expect(page.getByTestId('train-panel')).toBeVisible();
  await tinySettings(page);
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-status')).toHaveAttribute('data-status', 'done', { timeout: 120_000 });
  await expect(page.getByTestId('train-status')).toContainText('2 runs, 6 steps');
  for (const m of ['reward', 'heldout', 'length', 'entropy', 'clip']) {
    await expect(page.locator(`[data-testid="train-chart-${m}"] g[data-series] path`)).toHaveCount(2);
  }
  await expect(page.locator('[data-testid="train-summary"] tbody tr[data-strategy]')).toHaveCount(2);
  await snap(page, info, 'train-llama-done');

  // The export is still a Llama: same config.json, untied head kept, the vocabulary carried over.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('train-export').click()]);
  const fileName = download.suggestedFilename();
  expect(fileName).toBe(`${MODEL}-coupled-s0-step3.zip`);
  const entries = await readZip(new Uint8Array(readFileSync((await download.path())!)), fileName);
  const stem = fileName.replace(/\.zip$/, '');
  expect(entries.map((e) => e.path)).toEqual([
    `${stem}/config.json`,
    `${stem}/model.safetensors`,
    `${stem}/char_vocab.json`,
  ]);
  const byName = Object.fromEntries(entries.map((e) => [e.path.split('/')[1], e.bytes]));
  const config = JSON.parse(new TextDecoder().decode(byName['config.json']));
  expect(config).toEqual(JSON.parse(readFileSync(join(FIXTURE, 'config.json'), 'utf8')));
  const st = parseSafetensors(byName['model.safetensors'], 'model.safetensors');
  expect(st.names).toContain('lm_head.weight');
  expect(new TextDecoder().decode(byName['char_vocab.json'])).toBe(paddedTaskVocabJson(64));

  // Before/after on the same prompt + response, then the tuned Llama loads through the model picker.
  await page.getByTestId('train-before-after-run').click();
  await expect(page.getByTestId('train-before-after')).toBeVisible({ timeout: 60_000 });
  await expect(page.locator('[data-testid="train-before-after-waad"] g[data-series]')).toHaveCount(2);
  await page
    .getByTestId('model-zip-input')
    .setInputFiles({ name: fileName, mimeType: 'application/zip', buffer: readFileSync((await download.path())!) });
  await waitForModel(page, stem);
  expect(errors).toEqual([]);
});
