/**
 * The Train panel on the built-in rhythm-mini model: a bad argument is refused before anything starts; a tiny
 * comparison (uniform vs coupled, 3 steps each) trains in the browser, pauses, resumes and finishes; the
 * fine-tuned model exports as a zip that the model picker loads; the before/after view appears; a reload shows
 * the checkpoints saved in IndexedDB with their curves.
 */
import { readFileSync } from 'node:fs';
import { expect, test, type Page, type TestInfo } from '@playwright/test';
import { parseSafetensors } from '../src/core/io/safetensors';
import { readZip } from '../src/core/io/zip';
import { appUrl, isWebgpuProject, snap, trackConsoleErrors, waitForModel } from './helpers';

const MODEL = 'rhythm-mini';

async function openTrain(page: Page, info: TestInfo) {
  await page.goto(appUrl(info, { builtin: MODEL }));
  await waitForModel(page, MODEL);
  await page.getByTestId('tab-train').click();
  await expect(page.getByTestId('train-panel')).toBeVisible();
}

/** Tiny settings: a run is a few seconds on the 2-core CPU. */
async function tinySettings(page: Page) {
  const fill: [string, string][] = [['train-steps', '3'], ['train-prompts', '2'], ['train-group', '2'], ['train-max-tokens', '24'], ['train-eval-problems', '4'], ['train-eval-every', '3'], ['train-seeds', '0']];
  for (const [id, v] of fill) await page.getByTestId(id).fill(v);
  // Countdown 1: rhythm-mini solves it sometimes, so groups can differ (addition 1 it always solves).
  await page.getByTestId('train-task').selectOption('countdown');
  await page.getByTestId('train-level').selectOption('1');
  for (const s of ['uniform', 'coupled']) await page.getByTestId(`train-strategy-${s}`).check();
}

/** Steps done over the comparison, from "run 2/2 · step 1/3 · ETA 0:04". */
async function stepsDone(page: Page): Promise<number> {
  const m = /run (\d+)\/\d+ · step (\d+)\/(\d+)/.exec(await page.getByTestId('train-progress').innerText());
  if (!m) throw new Error('no progress label');
  return (Number(m[1]) - 1) * Number(m[3]) + Number(m[2]);
}

test.describe('train panel', () => {
  test('G = 1 is refused with a clear error and nothing starts; Cancel stops a run', async ({ page }, info) => {
    await openTrain(page, info);
    await tinySettings(page);
    await page.getByTestId('train-group').fill('1');
    await page.getByTestId('train-start').click();
    await expect(page.getByTestId('train-field-error')).toContainText('group must be an integer ≥ 2');
    await expect(page.getByTestId('error-banner')).toContainText('G (group size)');
    await expect(page.getByTestId('train-status')).toHaveAttribute('data-status', 'idle');
    await expect(page.getByTestId('train-progress')).toHaveCount(0);
    await snap(page, info, 'train-bad-group');
    // Fixed, it starts; Cancel stops it after the step in progress.
    await page.getByTestId('train-group').fill('2');
    await page.getByTestId('train-steps').fill('50');
    await expect(page.getByTestId('train-field-error')).toHaveCount(0);
    await page.getByTestId('train-start').click();
    await expect.poll(() => stepsDone(page).catch(() => 0), { timeout: 90_000 }).toBeGreaterThanOrEqual(1);
    await page.getByTestId('train-cancel').click();
    await expect(page.getByTestId('train-status')).toHaveAttribute('data-status', 'cancelled');
    await expect(page.getByTestId('train-status')).toContainText('Cancelled after');
    expect(await stepsDone(page)).toBeLessThan(50);
    // The workbench is untouched and still there.
    await page.getByTestId('tab-workbench').click();
    await expect(page.getByTestId('generate-button')).toBeVisible();
  });

  test('train, pause, resume, export a model that loads, before/after, reload shows checkpoints', async ({ page }, info) => {
    // On the webgpu project the engine runs on a SwiftShader adapter; the panel trains on wasm there (see README).
    test.setTimeout(isWebgpuProject(info) ? 300_000 : 180_000);
    const errors = trackConsoleErrors(page);
    await openTrain(page, info);
    await tinySettings(page);
    await page.getByTestId('train-start').click();

    // The training worker runs on the engine's backend, except on a software WebGPU adapter (then wasm).
    const engineBackend = await page.evaluate(() => window.__rhythmscope!.state().backend);
    await expect(page.getByTestId('train-status')).toContainText(`training on ${isWebgpuProject(info) ? 'wasm' : engineBackend}`, { timeout: 60_000 });

    // At least one step, then pause: the count holds.
    await expect.poll(() => stepsDone(page).catch(() => 0), { timeout: 90_000 }).toBeGreaterThanOrEqual(1);
    await page.getByTestId('train-pause').click();
    await expect(page.getByTestId('train-status')).toHaveAttribute('data-status', 'paused');
    await page.waitForTimeout(1500); // the step in flight finishes
    const held = await stepsDone(page);
    await page.waitForTimeout(2000);
    expect(await stepsDone(page)).toBe(held);
    expect(held).toBeLessThan(6);
    await snap(page, info, 'train-paused');

    await page.getByTestId('train-resume').click();
    await expect(page.getByTestId('train-status')).toHaveAttribute('data-status', 'done', { timeout: 120_000 });
    await expect(page.getByTestId('train-status')).toContainText('2 runs, 6 steps');
    for (const m of ['reward', 'heldout', 'length', 'entropy', 'clip']) {
      await expect(page.locator(`[data-testid="train-chart-${m}"] g[data-series] path`)).toHaveCount(2);
    }
    await expect(page.getByTestId('train-progress')).toContainText('run 2/2 · step 3/3');

    // Export the selected (last) run: a zip holding one folder with the three files.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('train-export').click()]);
    const fileName = download.suggestedFilename();
    expect(fileName).toBe(`${MODEL}-coupled-s0-step3.zip`);
    const path = await download.path();
    const zipBytes = new Uint8Array(readFileSync(path!));
    const entries = await readZip(zipBytes, fileName);
    const stem = fileName.replace(/\.zip$/, '');
    expect(entries.map((e) => e.path).sort()).toEqual([`${stem}/char_vocab.json`, `${stem}/config.json`, `${stem}/model.safetensors`]);
    const byName = Object.fromEntries(entries.map((e) => [e.path.split('/')[1], e.bytes]));
    const config = JSON.parse(new TextDecoder().decode(byName['config.json']));
    expect(config).toMatchObject({ model_type: 'gpt2', n_layer: 3, n_embd: 96 });
    const st = parseSafetensors(byName['model.safetensors'], 'model.safetensors');
    expect(st.names).toContain('wte.weight');

    // Before/after on the same prompt + response.
    await page.getByTestId('train-before-after-run').click();
    await expect(page.getByTestId('train-before-after')).toBeVisible({ timeout: 60_000 });
    await expect(page.locator('[data-testid="train-before-after-waad"] g[data-series]')).toHaveCount(2);
    await snap(page, info, 'train-done');

    // The exported zip loads through the model picker.
    await page.getByTestId('model-zip-input').setInputFiles({ name: fileName, mimeType: 'application/zip', buffer: Buffer.from(zipBytes) });
    await waitForModel(page, stem);

    // Reload: the saved checkpoints are listed and the curves reopen from their log lines.
    await page.reload();
    await waitForModel(page, MODEL);
    await page.getByTestId('tab-train').click();
    await expect(page.getByTestId('train-checkpoint')).toHaveCount(2);
    await expect(page.locator(`[data-testid="train-checkpoint"][data-name="${stem}"]`)).toHaveCount(1);
    await expect(page.getByTestId('train-status')).toContainText('Reopened from saved checkpoints');
    await expect(page.locator('[data-testid="train-chart-reward"] g[data-series] path')).toHaveCount(2);
    // Held-out accuracy reopens with the starting model's point (step 0) and the last step's.
    await expect(page.locator('[data-testid="train-chart-heldout"] g[data-series] circle')).toHaveCount(4);
    // Open loads the saved model into the engine.
    await page.locator(`[data-testid="train-checkpoint"][data-name="${stem}"]`).getByTestId('train-checkpoint-open').click();
    await waitForModel(page, stem);
    await snap(page, info, 'train-reopened');
    expect(errors).toEqual([]);
  });
});
