import { expect, test } from '@playwright/test';
import { appUrl, FIXTURE_MODEL, isWebgpuProject, snap, trackConsoleErrors, waitForModel } from './helpers';

test.describe('app shell', () => {
  test('loads the fixture model and reports the backend honestly', async ({ page }, info) => {
    const errors = trackConsoleErrors(page);
    await page.goto(appUrl(info));
    await waitForModel(page);
    const badge = page.getByTestId('backend-badge');
    const active = await page.evaluate(() => window.__rhythmscope!.state().backend);
    if (isWebgpuProject(info)) {
      await expect(badge).toContainText('webgpu');
      expect(active).toBe('webgpu');
    } else {
      // No WebGPU: auto must pick a fallback.
      expect(['webgl', 'wasm']).toContain(active);
      await expect(badge).toContainText(active!);
    }
    // The reason is the tooltip.
    expect((await badge.getAttribute('title'))?.length ?? 0).toBeGreaterThan(10);
    await expect(page.getByTestId('model-params')).toContainText('params');
    await expect(page.getByTestId('model-picker')).toHaveValue(FIXTURE_MODEL);
    await expect(page.getByTestId('error-banner')).toHaveCount(0);
    await snap(page, info, 'loaded');
    expect(errors).toEqual([]);
  });

  test('requesting webgpu without WebGPU falls back and says why', async ({ page }, info) => {
    test.skip(isWebgpuProject(info), 'only meaningful without WebGPU');
    await page.goto('/?backend=webgpu&test=1&builtin=tiny-random');
    await waitForModel(page);
    const active = await page.evaluate(() => window.__rhythmscope!.state().backend);
    expect(['webgl', 'wasm', 'cpu']).toContain(active);
    await expect(page.getByTestId('backend-badge')).toContainText(active!);
    await expect(page.getByTestId('backend-badge')).toHaveAttribute('title', /webgpu/i);
    await expect(page.getByTestId('backend-fallback-note')).toContainText(`webgpu is not available here`);
    await expect(page.getByTestId('backend-fallback-note')).toContainText(`Running on ${active} instead`);
    await snap(page, info, 'webgpu-fallback');
  });

  test('generate streams tokens as text; Stop stops; keyboard works', async ({ page }, info) => {
    const errors = trackConsoleErrors(page);
    await page.goto(appUrl(info));
    await waitForModel(page);
    const prompt = page.getByTestId('prompt-input');
    await prompt.fill('12+34=');
    await page.getByTestId('max-tokens-input').fill('12');
    await page.getByTestId('temperature-input').fill('0');
    await page.getByTestId('generate-button').click();
    await expect(page.getByTestId('generation-status')).toContainText('12 tokens');
    const first = await page.getByTestId('generated-text').innerText();
    expect(first.length).toBeGreaterThan(0);
    await expect(page.getByTestId('token-stream')).toContainText('12+34=');
    await snap(page, info, 'generated');

    // Greedy is deterministic: Ctrl+Enter in the prompt generates the same text again.
    await prompt.focus();
    await page.keyboard.press('Control+Enter');
    await expect(page.getByTestId('generation-status')).toContainText('12 tokens');
    expect(await page.getByTestId('generated-text').innerText()).toBe(first);

    // A long sampled run, stopped while it streams (the test hook slows tokens so Stop lands mid-way).
    await page.getByTestId('max-tokens-input').fill('4000');
    await page.getByTestId('temperature-input').fill('1');
    await page.evaluate(() => window.__rhythmscope!.setTokenDelay(40));
    await page.getByTestId('generate-button').click();
    await expect(page.getByTestId('stop-button')).toBeEnabled();
    await expect(page.locator('[data-testid="generated-text"] .token').nth(2)).toBeAttached();
    await page.getByTestId('stop-button').click();
    await expect(page.getByTestId('generation-status')).toContainText('stopped');
    await expect(page.getByTestId('stop-button')).toBeDisabled();
    await expect(page.getByTestId('generate-button')).toBeEnabled();
    const count = await page.locator('[data-testid="generated-text"] .token').count();
    expect(count).toBeGreaterThan(2);
    expect(count).toBeLessThan(4000);
    await page.evaluate(() => window.__rhythmscope!.setTokenDelay(0));
    expect(errors).toEqual([]);
  });

  test('model output is shown as text, never as markup', async ({ page }, info) => {
    await page.goto(appUrl(info));
    await waitForModel(page);
    await page.getByTestId('prompt-input').fill('<img src=x onerror=alert(1)>');
    await page.getByTestId('max-tokens-input').fill('3');
    await page.getByTestId('generate-button').click();
    await expect(page.getByTestId('generation-status')).toContainText('3 tokens');
    await expect(page.getByTestId('token-stream')).toContainText('<img src=x onerror=alert(1)>');
    await expect(page.locator('[data-testid="token-stream"] img')).toHaveCount(0);
  });

  test('a failed model load shows the error and keeps the previous model working', async ({ page }, info) => {
    // A "broken" model folder: the fixture's config and vocabulary, but garbage weights.
    await page.route('**/models/broken/**', async (route) => {
      const file = new URL(route.request().url()).pathname.split('/').pop()!;
      if (file === 'model.safetensors') {
        await new Promise((r) => setTimeout(r, 1500)); // long enough to see the progress bar
        await route.fulfill({
          status: 200,
          contentType: 'application/octet-stream',
          body: Buffer.from([0xff, 0xff, 0xff, 0x7f, 1, 2, 3, 4, 5, 6, 7, 8]),
        });
      } else {
        const real = await route.fetch({
          url: route.request().url().replace('/models/broken/', `/models/${FIXTURE_MODEL}/`),
        });
        await route.fulfill({ response: real });
      }
    });
    await page.goto(appUrl(info));
    await waitForModel(page);
    await page.getByTestId('model-url-input').fill('/models/broken/');
    await page.getByTestId('model-url-load').click();
    await expect(page.getByTestId('load-progress')).toBeVisible();
    await expect(page.getByTestId('load-progress')).toContainText('/models/broken/');
    await expect(page.getByTestId('generate-button')).toBeDisabled(); // no generating while a load runs
    await snap(page, info, 'loading');
    const banner = page.getByTestId('error-banner');
    await expect(banner).toBeVisible();
    await expect(banner).toContainText('model.safetensors');
    await expect(page.getByTestId('model-name')).toHaveText(FIXTURE_MODEL);
    await snap(page, info, 'load-error');

    await page.getByTestId('max-tokens-input').fill('5');
    await page.getByTestId('generate-button').click();
    await expect(page.getByTestId('generation-status')).toContainText('5 tokens');
    await expect(page.locator('[data-testid="generated-text"] .token')).toHaveCount(5);
  });

  test('the backend select switches backend, reloads the model and updates the URL', async ({ page }, info) => {
    test.skip(isWebgpuProject(info), 'one project is enough');
    await page.goto('/?test=1&builtin=tiny-random');
    await waitForModel(page);
    await page.getByTestId('backend-select').selectOption('cpu');
    await expect(page.getByTestId('backend-badge')).toContainText('cpu');
    await waitForModel(page);
    expect(page.url()).toContain('backend=cpu');
    expect(await page.evaluate(() => window.__rhythmscope!.state())).toMatchObject({
      backend: 'cpu',
      model: FIXTURE_MODEL,
    });
    await page.getByTestId('max-tokens-input').fill('4');
    await page.getByTestId('generate-button').click();
    await expect(page.getByTestId('generation-status')).toContainText('4 tokens');
  });
});
