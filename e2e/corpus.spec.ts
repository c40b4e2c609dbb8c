import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { appUrl, isWebgpuProject, snap, trackConsoleErrors, waitForModel } from './helpers';

const liveTensors = (page: Page) => page.evaluate(() => window.__rhythmscope!.liveTensors());

async function buildCorpus(page: Page, n: number, maxTokens: number, task = 'addition') {
  await page.getByTestId('corpus-task').selectOption(task);
  await page.getByTestId('corpus-n').fill(String(n));
  await page.getByTestId('corpus-max-tokens').fill(String(maxTokens));
  await page.getByTestId('corpus-run').click();
}

async function download(page: Page, testId: string): Promise<string> {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
  return readFileSync((await dl.path())!, 'utf8');
}

test.describe('corpus', () => {
  test('20 task problems → linkage table, perturbation view and corpus totals, exports; Cancel keeps what was done; no tensor leak', async ({
    page,
  }, info) => {
    test.skip(isWebgpuProject(info), 'compute-bound; the no-webgpu project covers it');
    test.setTimeout(240_000);
    const errors = trackConsoleErrors(page);
    await page.goto(appUrl(info));
    await waitForModel(page);
    await page.getByTestId('tab-corpus').click();
    await expect(page.getByTestId('corpus-view')).toBeVisible();

    await buildCorpus(page, 20, 24);
    await expect(page.getByTestId('corpus-status')).toContainText('20 sequences', { timeout: 180_000 });
    await expect(page.getByTestId('corpus-progress')).toHaveCount(0);
    const table = page.getByTestId('linkage-table');
    for (const row of ['entropy_at_waad_peaks', 'receiver_global_cooccurrence', 'fai_follows_waad']) {
      await expect(table.locator(`tr[data-row="${row}"] td[data-cell="observed"]`)).toHaveText(/^\d+\.\d{3}$/);
      await expect(table.locator(`tr[data-row="${row}"] td[data-cell="random"]`)).toHaveText(/^\d+\.\d{3}$/);
    }
    await expect(page.getByTestId('corpus-list').locator('tbody tr')).toHaveCount(20);

    const json = JSON.parse(await download(page, 'corpus-export-json'));
    expect(json.sequences).toBe(20);
    expect(json.per_sequence).toHaveLength(20);
    expect(Object.keys(json.rows).sort()).toEqual([
      'entropy_at_waad_peaks',
      'fai_follows_waad',
      'receiver_global_cooccurrence',
    ]);
    const csv = (await download(page, 'corpus-export-csv')).trim().split('\n');
    expect(csv).toHaveLength(21);

    // The perturbation test of one sequence, side by side.
    await page.getByTestId('corpus-perturb').first().click();
    const view = page.getByTestId('perturb-view');
    await expect(view.locator('[data-set="top"] .perturb-position').first()).toBeVisible({ timeout: 60_000 });
    await expect(view.locator('[data-set="bottom"] .perturb-position').first()).toBeVisible();
    await expect(view.locator('.perturb-tok.forced').first()).toBeVisible();
    const perturb = JSON.parse(await download(page, 'perturb-export'));
    expect(perturb.top[0].candidates.length).toBeGreaterThan(0);
    await snap(page, info, 'corpus-20');

    // The perturbation test over the corpus: the totals of `rhythmscope study perturb`, exported.
    await page.getByTestId('perturb-study-k').fill('2');
    await page.getByTestId('perturb-study-m').fill('1');
    await page.getByTestId('perturb-study-run').click();
    const study = page.getByTestId('perturb-study-status');
    await expect(study).toContainText('20 responses', { timeout: 120_000 });
    await expect(page.getByTestId('perturb-study-progress')).toHaveCount(0);
    const totals = page.getByTestId('perturb-totals');
    await expect(totals.locator('tr[data-row="p_top_lower"] td[data-cell="ci"]')).toHaveText(
      /^\d\.\d{3} – \d\.\d{3} \(Wilson\)$/,
    );
    const perturbJson = JSON.parse(await download(page, 'perturb-study-export-json'));
    expect(perturbJson.study).toBe('perturb');
    expect(perturbJson.sequences).toBe(20);
    expect(perturbJson.per_sequence).toHaveLength(20);
    expect(perturbJson.options).toMatchObject({ k: 2, m: 1, min_tail: 5, seed: 0 });
    for (const key of ['p_top_lower', 'mean_jaccard_top', 'mean_jaccard_bottom', 'mean_jaccard_random']) {
      const shown = (await totals.locator(`tr[data-row="${key}"] td[data-cell="value"]`).textContent())!;
      expect(shown).toBe(perturbJson[key] === null ? '—' : perturbJson[key].toFixed(3));
    }
    const perturbCsvLines = (await download(page, 'perturb-study-export-csv')).trim().split('\n');
    expect(perturbCsvLines).toHaveLength(22); // header, 20 responses, totals
    expect(perturbCsvLines[21]).toMatch(/^all,20 sequences,/);
    await snap(page, info, 'corpus-perturb-totals');

    // Cancel midway keeps the responses finished.
    await page.evaluate(() => window.__rhythmscope!.setTokenDelay(25));
    await page.getByTestId('perturb-study-run').click();
    await expect(study).toContainText(/^[2-9] responses|^1\d responses/, { timeout: 60_000 });
    await page.getByTestId('perturb-study-cancel').click();
    await expect(page.getByTestId('perturb-study-cancelled')).toBeVisible();
    const cancelledJson = JSON.parse(await download(page, 'perturb-study-export-json'));
    expect(cancelledJson.sequences).toBeGreaterThanOrEqual(2);
    expect(cancelledJson.sequences).toBeLessThan(20);
    expect(cancelledJson.per_sequence).toHaveLength(cancelledJson.sequences);
    await page.evaluate(() => window.__rhythmscope!.setTokenDelay(0));
    const settled = await liveTensors(page);

    // Cancel midway: slow generation down, stop after a few sequences; what was done stays.
    await page.evaluate(() => window.__rhythmscope!.setTokenDelay(25));
    await buildCorpus(page, 20, 24);
    await expect(page.getByTestId('corpus-status')).toContainText(/^[3-9] sequences|^1\d sequences/, {
      timeout: 120_000,
    });
    await page.getByTestId('corpus-cancel').click();
    await expect(page.getByTestId('corpus-cancelled')).toBeVisible();
    const kept = Number((await page.getByTestId('corpus-status').textContent())!.match(/^(\d+) sequences/)![1]);
    expect(kept).toBeGreaterThanOrEqual(3);
    expect(kept).toBeLessThan(20);
    await expect(page.getByTestId('corpus-list').locator('tbody tr')).toHaveCount(kept);
    const partial = JSON.parse(await download(page, 'corpus-export-json'));
    expect(partial.sequences).toBe(kept);
    await page.evaluate(() => window.__rhythmscope!.setTokenDelay(0));
    expect(await liveTensors(page)).toBe(settled);

    // A sequence opens in the Workbench.
    await page.getByTestId('corpus-open').first().click();
    await expect(page.getByTestId('analysis-status')).toBeVisible();
    await expect(page.getByTestId('analysis-progress')).toHaveCount(0);
    expect(errors).toEqual([]);
  });

  test('rhythm-countdown: ?builtin= opens the second built-in model, which solves some Countdown level-1 problems', async ({
    page,
  }, info) => {
    test.skip(isWebgpuProject(info), 'compute-bound; the no-webgpu project covers it');
    test.setTimeout(180_000);
    await page.goto(appUrl(info, { builtin: 'rhythm-countdown' }));
    await waitForModel(page, 'rhythm-countdown');
    await page.getByTestId('tab-corpus').click();
    await buildCorpus(page, 12, 48, 'countdown');
    await expect(page.getByTestId('corpus-status')).toContainText('12 sequences', { timeout: 150_000 });
    const rewards = await page.getByTestId('corpus-list').locator('tbody tr td:nth-child(4)').allTextContents();
    expect(rewards).toHaveLength(12);
    // ~45% greedy accuracy on level 1 (its card): some but not all of 12 are solved.
    const solved = rewards.filter((r) => Number(r) === 1).length;
    expect(solved).toBeGreaterThan(0);
    expect(solved).toBeLessThan(12);
  });

  test('screenshot of the corpus view at 200 sequences (built-in model)', async ({ page }, info) => {
    test.skip(isWebgpuProject(info), 'compute-bound; the no-webgpu project covers it');
    test.setTimeout(600_000);
    await page.goto(appUrl(info, { builtin: 'rhythm-mini' }));
    await waitForModel(page, 'rhythm-mini');
    await page.getByTestId('tab-corpus').click();
    await buildCorpus(page, 200, 64);
    await expect(page.getByTestId('corpus-status')).toContainText('200 sequences', { timeout: 540_000 });
    await expect(page.getByTestId('corpus-progress')).toHaveCount(0);
    await snap(page, info, 'corpus-200');
  });
});
