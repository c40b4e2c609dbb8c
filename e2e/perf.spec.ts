/**
 * Performance in the browser: an analysis is cancelled while its forward runs (not only while it waits in the
 * worker's queue), and the main thread stays free of long tasks through load, generate, analysis and view switches.
 */
import { expect, test, type Page } from '@playwright/test';
import { appUrl, isWebgpuProject, snap, trackConsoleErrors, waitForModel } from './helpers';

async function waitForAnalysis(page: Page) {
  await expect(page.getByTestId('analysis-status')).toBeVisible();
  await expect(page.getByTestId('analysis-progress')).toHaveCount(0);
  await expect(page.locator('[data-testid="attention-heatmap"] canvas')).toBeVisible();
}

test.describe('performance', () => {
  test('Cancel mid-forward: stops after the running layer; cancelled, previous analysis kept, next one works, no tensors left', async ({
    page,
  }, info) => {
    const errors = trackConsoleErrors(page);
    await page.goto(appUrl(info));
    await waitForModel(page);
    const response = '12+34=46 and 46-5=41 so 41*2=82; '.repeat(6);
    await page.getByTestId('response-input').fill('1+2=3\n');
    await page.getByTestId('analyze-button').click();
    await waitForAnalysis(page);
    const before = await page.evaluate(() => window.__rhythmscope!.record()!);
    const tensors = await page.evaluate(() => window.__rhythmscope!.liveTensors());

    // The fixture has 2 layers: with 8 s of sleep after each, the forward would take 16 s. Cancel lands in the
    // first layer's sleep; the worker must answer long before that sleep would have ended.
    const LAYER_DELAY_MS = 8_000;
    await page.evaluate((ms) => window.__rhythmscope!.setAnalysisLayerDelay(ms), LAYER_DELAY_MS);
    await page.getByTestId('response-input').fill(response);
    await page.getByTestId('analyze-button').click();
    await expect(page.getByTestId('analysis-progress')).toContainText('layer 1 of 2');
    await page.getByTestId('analysis-cancel').click();
    await expect(page.getByTestId('analysis-progress')).toHaveCount(0, { timeout: LAYER_DELAY_MS / 2 });
    await expect(page.getByTestId('analysis-status')).toContainText('cancelled');
    await expect(page.getByTestId('analyze-button')).toBeEnabled();
    await snap(page, info, 'perf-cancel-mid-forward');
    expect(await page.evaluate(() => window.__rhythmscope!.record()!.tokens)).toEqual(before.tokens);
    // The worker is idle again at once (its queue is not stuck behind the sleeping forward) and freed the layer.
    expect(await page.evaluate(() => window.__rhythmscope!.liveTensors())).toBe(tensors);

    // The next analysis runs to the end and replaces the cancelled note.
    await page.evaluate(() => window.__rhythmscope!.setAnalysisLayerDelay(0));
    await page.getByTestId('analyze-button').click();
    await waitForAnalysis(page);
    await expect(page.getByTestId('analysis-status')).not.toContainText('cancelled');
    const after = await page.evaluate(() => window.__rhythmscope!.record()!);
    expect(after.tokens.length).toBeGreaterThan(response.length);
    expect(await page.evaluate(() => window.__rhythmscope!.liveTensors())).toBe(tensors);
    await expect(page.getByTestId('error-banner')).toHaveCount(0);
    expect(errors).toEqual([]);
    if (isWebgpuProject(info)) await expect(page.getByTestId('backend-badge')).toContainText('webgpu');
  });
});
