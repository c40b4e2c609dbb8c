import { cpus, loadavg } from 'node:os';
import { expect, test, type Page, type TestInfo } from '@playwright/test';
import {
  appUrl,
  FIXTURE_MODEL,
  isWebgpuProject,
  openSettings,
  snap,
  trackConsoleErrors,
  waitForModel,
} from './helpers';
import { writeZip } from '../src/core/io/zip';
import {
  dropFiles,
  fixtureFiles,
  installLongTaskObserver,
  longTaskLog,
  maxLongTask,
  parseCsv,
  traceLongTasks,
  viewShot,
} from './workbench-helpers';

const VIEWS = [
  'token-strip',
  'rhythm-chart',
  'attention-heatmap',
  'head-gallery',
  'credit-view',
  'settings-panel',
] as const;

async function waitForAnalysis(page: Page) {
  await expect(page.getByTestId('analysis-status')).toBeVisible();
  await expect(page.getByTestId('analysis-progress')).toHaveCount(0);
  await expect(page.locator('[data-testid="attention-heatmap"] canvas')).toBeVisible();
}

/** Sample a problem, generate greedily, wait for the automatic analysis. */
async function generateAndAnalyze(page: Page, maxTokens: number) {
  await page.getByTestId('sample-problem').click();
  await expect(page.getByTestId('prompt-input')).toHaveValue(/=\?\n$/);
  await page.getByTestId('max-tokens-input').fill(String(maxTokens));
  await page.getByTestId('temperature-input').fill('0');
  await page.getByTestId('generate-button').click();
  await expect(page.getByTestId('generation-status')).toContainText('token');
  await waitForAnalysis(page);
}

test.describe('workbench', () => {
  test('load → sample problem → generate → analysis; hover links the views', async ({ page }, info) => {
    const errors = trackConsoleErrors(page);
    await installLongTaskObserver(page);
    const stopTrace = isWebgpuProject(info) ? null : await traceLongTasks(page); // webgpu: one short analysis, not measured
    await page.goto(appUrl(info));
    await waitForModel(page);
    if (isWebgpuProject(info)) {
      // ~60x slower compute here: the backend and one short analysis only.
      page.on('console', (m) => {
        if (m.type() === 'error') console.log(`[page error] ${m.text()}`);
      });
      await expect(page.getByTestId('backend-badge')).toContainText('webgpu');
      await generateAndAnalyze(page, 8);
      await expect(page.getByTestId('analysis-status')).toContainText('one forward pass');
      await snap(page, info, 'workbench');
      expect(errors).toEqual([]);
      return;
    }
    const tLoaded = await page.evaluate(() => performance.now());
    await generateAndAnalyze(page, 60);
    const tAnalysed = await page.evaluate(() => performance.now());
    console.log(
      `model ready at ${tLoaded.toFixed(0)} ms, analysis shown by ${tAnalysed.toFixed(0)} ms; long tasks: ${(await longTaskLog(page)).join(', ')}`,
    );
    await expect(page.getByTestId('verdict')).toContainText('verifier');
    await openSettings(page);
    for (const v of VIEWS) await expect(page.getByTestId(v)).toBeVisible();
    await expect(page.getByTestId('analysis-status')).toContainText('one forward pass');
    const response = await page.getByTestId('response-input').inputValue();
    expect(response.length).toBeGreaterThan(0);

    // Hover a response token in the strip: the credit column and the chart follow.
    const pos = await page.evaluate(
      () => Number(document.querySelector('[data-testid="credit-view"] [data-pos]')!.getAttribute('data-pos')) + 5,
    );
    await page.locator(`[data-testid="token-strip"] [data-pos="${pos}"]`).hover();
    await expect.poll(() => page.evaluate(() => window.__rhythmscope!.ui().hovered)).toBe(pos);
    await expect(
      page.locator('[data-testid="credit-view"] .cv-col-hover, [data-testid="credit-view"] .cv-tok.is-hovered'),
    ).toHaveCount(1);
    // Click selects it everywhere: the strip, the credit column, the chart's marker.
    await page.locator(`[data-testid="token-strip"] [data-pos="${pos}"]`).click();
    await expect.poll(() => page.evaluate(() => window.__rhythmscope!.ui().selected)).toBe(pos);
    await expect(page.locator(`[data-testid="token-strip"] [data-pos="${pos}"]`)).toHaveClass(/is-selected/);
    await expect(
      page.locator('[data-testid="credit-view"] .cv-col-selected, [data-testid="credit-view"] .cv-tok.is-selected'),
    ).toHaveCount(1);
    // Hovering in the credit view lights the strip token.
    await page
      .locator(`[data-testid="credit-view"] [data-pos="${pos + 2}"]`)
      .first()
      .hover();
    await expect(page.locator(`[data-testid="token-strip"] [data-pos="${pos + 2}"]`)).toHaveClass(/is-hovered/);

    // Brushing a span in the rhythm chart dims the tokens outside it in the strip.
    await page.getByTestId('rhythm-chart').scrollIntoViewIfNeeded();
    const overlay = (await page.locator('[data-testid="rhythm-chart"] .overlay').first().boundingBox())!;
    await page.mouse.move(overlay.x + overlay.width * 0.3, overlay.y + overlay.height * 0.75); // below the tooltip
    await page.mouse.down();
    await page.mouse.move(overlay.x + overlay.width * 0.5, overlay.y + overlay.height * 0.8, { steps: 5 });
    await page.mouse.up();
    await expect.poll(() => page.evaluate(() => window.__rhythmscope!.ui().span)).not.toBeNull();
    const span = (await page.evaluate(() => window.__rhythmscope!.ui().span))!;
    await expect(page.locator(`[data-testid="token-strip"] [data-pos="${span[1] + 1}"]`)).toHaveClass(/is-outside/);
    await expect(page.locator(`[data-testid="token-strip"] [data-pos="${span[0]}"]`)).not.toHaveClass(/is-outside/);

    // Gallery click opens that head in the heatmap.
    await page.locator('[data-testid="head-gallery"] .gallery-button').nth(1).click();
    await expect(page.getByTestId('map-choice')).toHaveValue(/^head:/);
    await expect(page.locator('[data-testid="attention-heatmap"] canvas')).toBeVisible();

    const longest = await maxLongTask(page);
    const tasks = await stopTrace!();
    // Screenshots after the trace: capturing the page is the test's work, not the user's (a full-page capture is
    // one 100–170 ms paint task in the renderer).
    await snap(page, info, 'workbench');
    for (const v of VIEWS) await viewShot(page, info, v);
    // The page's own work in a task: its CPU time less the test harness's DevTools-protocol commands run inside it.
    const longestCpu = Math.max(0, ...tasks.map((t) => t.cpuMs - t.harnessCpuMs));
    const longestAppCpu = Math.max(0, ...tasks.map((t) => t.appCpuMs));
    console.log(
      `[${info.project.name}] longest main-thread task during load/generate/analyze: ${longest.toFixed(0)} ms wall, ${longestCpu.toFixed(0)} ms CPU; app script in one task ≤ ${longestAppCpu.toFixed(0)} ms CPU`,
    );
    for (const t of tasks)
      console.log(
        `  task @${t.startMs.toFixed(0)} ms: ${t.totalMs.toFixed(0)} ms wall, ${t.cpuMs.toFixed(0)} ms CPU; app script ${t.appMs.toFixed(0)} ms wall, ${t.appCpuMs.toFixed(0)} ms CPU${t.harnessCpuMs >= 1 ? ` (test harness ${t.harnessCpuMs.toFixed(0)} ms)` : ''}${t.moduleMs ? `; bundle evaluation ${t.moduleMs.toFixed(0)} ms` : ''} (${t.top || 'browser work only'}) [${t.parts}]`,
      );
    // Strict: no main-thread task does more than 100 ms of work (its CPU time; before this check: the bundle's
    // evaluation as one task, 75–120 ms, React's first render as one task, heatmap/gallery/axes drawn twice per
    // mount). CPU time, because this shared 2-vCPU box (load average often > 5) preempts the renderer: in the long
    // tasks the PerformanceObserver sees, the main thread ran only 10–60% of the wall time. The heaviest tasks left
    // are the first style + layout and the evaluation of React DOM's chunk (each ~60 ms CPU); the app's own script
    // is ≤ ~20 ms CPU per task. Playwright's own protocol commands (its selector queries and evaluations, up to
    // ~120 ms CPU in one task on a loaded box) run on the page's main thread too; they are subtracted above.
    expect(longestCpu).toBeLessThanOrEqual(100);
    // Wall clock, as the PerformanceObserver sees it, is reported, not asserted: it measures the machine's load as
    // much as the page (a 57 ms-CPU task took 146 ms wall at 1.4 load per core), and speed targets live in the
    // benchmarks (`npm run bench -- browser`), not in tests.
    info.annotations.push({
      type: 'long-tasks',
      description: `load ${(loadavg()[0] / cpus().length).toFixed(1)}/core: longest ${longest.toFixed(0)} ms wall (${longestCpu.toFixed(0)} ms CPU)`,
    });
    expect(errors).toEqual([]);
  });

  test('an analysis gives real numbers and leaves the backend usable: generate and analyze again after it', async ({
    page,
  }, info) => {
    const errors = trackConsoleErrors(page);
    await page.goto(appUrl(info));
    await waitForModel(page);
    await generateAndAnalyze(page, 8);
    const rec = await page.evaluate(() => window.__rhythmscope!.record()!);
    expect(rec.waad.slice(1).some((v: number) => v > 0)).toBe(true); // after the first response token, WAAD > 0
    const gen = await page.evaluate(() => window.__rhythmscope!.generateTimed('1+2=?\n', 4, true));
    expect(gen.tokens).toBe(4);
    expect((await page.evaluate(() => window.__rhythmscope!.analyzeText('1+2=?\n', 'A:3'))).ok).toBe(true);
    expect(await page.evaluate(() => window.__rhythmscope!.record()!.tokens.length)).toBe(9);
    expect(errors).toEqual([]);
  });

  test('changing W recomputes the metrics from the cached maps and says so; reload keeps settings', async ({
    page,
  }, info) => {
    test.skip(isWebgpuProject(info), 'compute-heavy; the no-webgpu project covers it');
    await page.goto(appUrl(info));
    await waitForModel(page);
    await generateAndAnalyze(page, 40);
    const before = await page.evaluate(() => window.__rhythmscope!.record()!.waad);
    await openSettings(page);
    const w = page.locator('[data-testid="settings-panel"] [data-option="W"]');
    await w.fill('3');
    await w.press('Enter');
    await expect(page.getByTestId('analysis-status')).toContainText('cached attention maps');
    const after = await page.evaluate(() => window.__rhythmscope!.record()!);
    expect(after.options.W).toBe(3);
    expect(after.waad).not.toEqual(before);
    expect(page.url()).toContain('rhythm.W=3');
    // q needs no maps at all.
    const q = page.locator('[data-testid="settings-panel"] [data-option="q"]');
    await q.fill('0.2');
    await q.press('Enter');
    await expect(page.getByTestId('analysis-status')).toContainText('per-head cache');
    await snap(page, info, 'settings-changed');

    await page.reload();
    await waitForModel(page);
    // A changed setting is never hidden: the drawer opens by itself.
    await expect(page.getByTestId('advanced-drawer')).toHaveAttribute('open', '');
    await expect(page.locator('[data-testid="settings-panel"] [data-option="W"]')).toHaveValue('3');
    await expect(page.locator('[data-testid="settings-panel"] [data-option="q"]')).toHaveValue('0.2');
    // The last document came back too, and was analysed again with the kept settings.
    await waitForAnalysis(page);
    expect((await page.evaluate(() => window.__rhythmscope!.record()!)).options.W).toBe(3);
  });

  test('every export downloads and is valid', async ({ page }, info) => {
    test.skip(isWebgpuProject(info), 'one project is enough');
    await page.goto(appUrl(info));
    await waitForModel(page);
    await generateAndAnalyze(page, 30);
    const download = async (testId: string) => {
      await page.getByTestId('export-menu-toggle').click();
      const [d] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
      const path = await d.path();
      const fs = await import('node:fs');
      return { name: d.suggestedFilename(), bytes: fs.readFileSync(path!) };
    };
    // One Export menu on the page; the credit view's "Export…" opens that same menu, Escape closes it.
    await expect(page.getByTestId('export-menu')).toHaveCount(1);
    await expect(page.getByTestId('export-credits-json')).toBeHidden();
    await page.getByTestId('credit-export-button').click();
    await expect(page.getByTestId('export-credits-json')).toBeVisible();
    await expect(page.getByTestId('export-credits-json')).toBeFocused();
    await snap(page, info, 'export-menu-open');
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('export-credits-json')).toBeHidden();
    const json = await download('export-credits-json');
    const rec = JSON.parse(json.bytes.toString('utf8').trim().split('\n')[0]);
    expect(rec.waad.length).toBeGreaterThan(0);
    // Parsed as CSV: a newline token is a quoted field holding a line break.
    const csv = parseCsv((await download('export-credits-csv')).bytes.toString('utf8'));
    expect(csv[0].slice(0, 4)).toEqual(['sequence', 'position', 'response_index', 'token']);
    expect(csv.length).toBe(rec.waad.length + 1);
    expect(new Set(csv.map((r) => r.length)).size).toBe(1);
    const verl = JSON.parse((await download('export-credits-verl')).bytes.toString('utf8').trim());
    expect(verl.gamma.coupled.length).toBe(rec.waad.length);
    const dump = await download('export-dump');
    expect(dump.name).toMatch(/\.safetensors$/);
    const headerLen = Number(dump.bytes.readBigUInt64LE(0));
    expect(JSON.parse(dump.bytes.subarray(8, 8 + headerLen).toString('utf8'))['attn.L0'].dtype).toBe('F32');

    for (const view of ['tokens', 'rhythm', 'heatmap', 'gallery', 'credit']) {
      const png = await download(`export-figure-${view}-png`);
      expect(png.bytes.subarray(0, 8).toString('hex'), view).toBe('89504e470d0a1a0a');
      expect(png.bytes.length, view).toBeGreaterThan(2000);
      const width = png.bytes.readUInt32BE(16),
        height = png.bytes.readUInt32BE(20);
      expect(width, view).toBeGreaterThan(200);
      expect(height, view).toBeGreaterThan(50);
      const svg = (await download(`export-figure-${view}-svg`)).bytes.toString('utf8');
      const parsed = await page.evaluate((text) => {
        const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
        return {
          error: doc.querySelector('parsererror')?.textContent ?? null,
          root: doc.documentElement.nodeName,
          texts: doc.querySelectorAll('text').length,
        };
      }, svg);
      expect(parsed.error, view).toBeNull();
      expect(parsed.root, view).toBe('svg');
    }
  });

  test('Cancel during an analysis: stops it, says so, the previous analysis stays usable; the next one works', async ({
    page,
  }, info) => {
    test.skip(isWebgpuProject(info), 'one project is enough');
    const errors = trackConsoleErrors(page);
    await page.goto(appUrl(info));
    await waitForModel(page);
    await generateAndAnalyze(page, 20);
    const before = await page.evaluate(() => window.__rhythmscope!.record()!);

    // Keep the worker busy with a slow generation (the hook's, so nothing is analysed after it): the analysis
    // asked for next waits behind it in the worker's queue, so Cancel always lands while it is running.
    await page.evaluate(async () => {
      await window.__rhythmscope!.setTokenDelay(250);
      const w = window as unknown as { __busy: Promise<unknown> };
      w.__busy = window.__rhythmscope!.generateTimed('1+2=?\n', 16, true);
    });
    const long = '12+34=46 and 46-5=41 so 41*2=82; '.repeat(20);
    await page.getByTestId('response-input').fill(long);
    await page.getByTestId('analyze-button').click();
    await expect(page.getByTestId('analysis-progress')).toBeVisible();
    await page.getByTestId('analysis-cancel').click();
    await expect(page.getByTestId('analysis-progress')).toHaveCount(0);
    await expect(page.getByTestId('analysis-status')).toContainText('cancelled');
    await expect(page.getByTestId('analyze-button')).toBeEnabled();
    await snap(page, info, 'analysis-cancelled');
    // The previous analysis is still the one shown, and its views still answer.
    expect(await page.evaluate(() => window.__rhythmscope!.record()!.waad)).toEqual(before.waad);
    await page.evaluate(() => (window as unknown as { __busy: Promise<unknown> }).__busy);
    await page.evaluate(() => window.__rhythmscope!.setTokenDelay(0));
    await page.locator('[data-testid="head-gallery"] .gallery-button').nth(2).click();
    await expect(page.getByTestId('map-choice')).toHaveValue(/^head:/);
    await expect(page.locator('[data-testid="attention-heatmap"] canvas')).toBeVisible();
    const pos = before.prompt_length + 3;
    await page.locator(`[data-testid="token-strip"] [data-pos="${pos}"]`).click();
    await expect.poll(() => page.evaluate(() => window.__rhythmscope!.ui().selected)).toBe(pos);

    // A new analysis then runs to the end and replaces the cancelled note.
    await page.getByTestId('analyze-button').click();
    await waitForAnalysis(page);
    await expect(page.getByTestId('analysis-status')).not.toContainText('cancelled');
    const after = await page.evaluate(() => window.__rhythmscope!.record()!);
    expect(after.tokens.length).toBeGreaterThan(long.length); // prompt + the long response (one token per character)
    await expect(page.getByTestId('error-banner')).toHaveCount(0);
    expect(errors).toEqual([]);
  });

  test('import an attention dump: analysed and shown without any model', async ({ page }, info) => {
    test.skip(isWebgpuProject(info), 'one project is enough');
    // A dump made by the app itself.
    await page.goto(appUrl(info));
    await waitForModel(page);
    await generateAndAnalyze(page, 30);
    const waad = await page.evaluate(() => window.__rhythmscope!.record()!.waad);
    await page.getByTestId('export-menu-toggle').click();
    const [d] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-dump').click()]);
    const dumpPath = await d.path();

    // A page whose model failed to load: nothing but the dump.
    const fresh = await page.context().browser()!.newPage();
    await fresh.goto(appUrl(info, { model: '/models/missing/' }));
    await expect(fresh.getByTestId('error-banner')).toBeVisible();
    await expect(fresh.getByTestId('model-name')).toHaveCount(0);
    await fresh.getByTestId('import-dump-input').setInputFiles(dumpPath!);
    await expect(fresh.getByTestId('analysis-status')).toContainText('imported attention dump');
    await expect(fresh.locator('[data-testid="attention-heatmap"] canvas')).toBeVisible();
    const imported = await fresh.evaluate(() => window.__rhythmscope!.record()!.waad);
    expect(imported).toEqual(waad);
    await snap(fresh, info, 'imported-dump');
    // A text file is refused with a clear error naming it.
    await fresh
      .getByTestId('import-dump-input')
      .setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a dump') });
    await expect(fresh.getByTestId('error-banner')).toContainText('notes.txt');
    await fresh.close();
  });

  test('drop a local model folder and use it; broken drops keep the previous model', async ({ page }, info) => {
    test.skip(isWebgpuProject(info), 'one project is enough');
    await page.goto(appUrl(info));
    await waitForModel(page);
    const files = fixtureFiles();
    await dropFiles(page, files);
    await waitForModel(page, 'dropped files');
    await generateAndAnalyze(page, 10);

    const broken: [string, Record<string, Buffer>, RegExp][] = [
      [
        'bad safetensors',
        { ...files, 'model.safetensors': Buffer.from([0xff, 0xff, 0xff, 0x7f, 1, 2, 3, 4, 5, 6, 7, 8]) },
        /model\.safetensors/,
      ],
      [
        'wrong config',
        { ...files, 'config.json': Buffer.from('{"model_type": "gpt2", "n_layer": "two"}') },
        /config\.json/,
      ],
      ['a text file', { 'notes.txt': Buffer.from('hello') }, /config\.json/],
    ];
    for (const [label, set, message] of broken) {
      await dropFiles(page, set);
      await expect(page.getByTestId('error-banner'), label).toContainText(message);
      await expect(page.getByTestId('model-name'), label).toHaveText('dropped files');
      await snap(page, info, `drop-${label.replace(/ /g, '-')}`);
      await page.locator('[data-testid="error-banner"] button').first().click();
    }
    await page.getByTestId('max-tokens-input').fill('5');
    await page.getByTestId('generate-button').click();
    await expect(page.getByTestId('generation-status')).toContainText('5 tokens');
  });

  test('a model folder as a .zip: through the picker and by drop; a broken zip keeps the model', async ({
    page,
  }, info) => {
    test.skip(isWebgpuProject(info), 'one project is enough');
    const errors = trackConsoleErrors(page);
    await page.goto(appUrl(info));
    await waitForModel(page);
    const files = fixtureFiles();
    // Inside one folder, as `zip -r tiny.zip tiny/` makes it.
    const zip = Buffer.from(
      writeZip(Object.entries(files).map(([name, bytes]) => ({ path: `tiny/${name}`, bytes: new Uint8Array(bytes) }))),
    );
    await page
      .getByTestId('model-zip-input')
      .setInputFiles({ name: 'zipped-tiny.zip', mimeType: 'application/zip', buffer: zip });
    await waitForModel(page, 'zipped-tiny');
    await generateAndAnalyze(page, 8);
    await snap(page, info, 'zip-model');

    // Files at the archive's root, dropped on the drop zone.
    const rootZip = Buffer.from(
      writeZip(Object.entries(files).map(([name, bytes]) => ({ path: name, bytes: new Uint8Array(bytes) }))),
    );
    await dropFiles(page, { 'dropped.zip': rootZip });
    await waitForModel(page, 'dropped');

    await page
      .getByTestId('model-zip-input')
      .setInputFiles({ name: 'cut.zip', mimeType: 'application/zip', buffer: zip.subarray(0, 2000) });
    await expect(page.getByTestId('error-banner')).toContainText('cut.zip: truncated zip archive');
    await expect(page.getByTestId('model-name')).toHaveText('dropped');
    expect(errors.filter((e) => !e.includes('truncated zip archive'))).toEqual([]);
  });

  test('a vocabulary token with markup renders as text everywhere', async ({ page }, info) => {
    test.skip(isWebgpuProject(info), 'one project is enough');
    let dialog = false;
    page.on('dialog', async (d) => {
      dialog = true;
      await d.dismiss();
    });
    await page.goto(appUrl(info));
    await waitForModel(page);
    const xss = '<img src=x onerror=alert(1)>';
    const files = fixtureFiles();
    const vocab = JSON.parse(files['char_vocab.json'].toString('utf8'));
    vocab.tokens[vocab.tokens.indexOf('~')] = xss; // same size, one special token
    await dropFiles(page, { ...files, 'char_vocab.json': Buffer.from(JSON.stringify(vocab)) });
    await waitForModel(page, 'dropped files');
    await page.getByTestId('prompt-input').fill('1+2=?\n');
    await page.getByTestId('response-input').fill(`A:3${xss}${xss}ok`);
    await page.getByTestId('analyze-button').click();
    await waitForAnalysis(page);
    // The strip shows spaces as ␣ (visible whitespace); the rest is the token's own text.
    await expect(page.getByTestId('token-strip')).toContainText(xss.replace(/ /g, '␣'));
    expect(await page.evaluate(() => window.__rhythmscope!.record()!.tokens)).toContain(xss);
    await expect(page.locator('img[src="x"]')).toHaveCount(0);
    await expect(page.locator('[data-testid="workbench"] img')).toHaveCount(0);
    await snap(page, info, 'xss-vocabulary');
    expect(dialog).toBe(false);
  });

  test('the best built-in model is picked at start-up (rhythm-mini when served)', async ({ page }, info) => {
    test.skip(isWebgpuProject(info), 'one project is enough');
    // Serve the fixture under rhythm-mini's folder (and list it) whether or not the real one exists.
    await page.route('**/models/catalog.json', (route) =>
      route.fulfill({ json: { models: ['rhythm-mini', FIXTURE_MODEL] } }),
    );
    await page.route('**/models/rhythm-mini/**', async (route) => {
      const real = await route.fetch({
        url: route.request().url().replace('/models/rhythm-mini/', `/models/${FIXTURE_MODEL}/`),
      });
      await route.fulfill({ response: real });
    });
    await page.goto('/?test=1');
    await waitForModel(page, 'rhythm-mini');
    await expect(page.getByTestId('model-picker')).toHaveValue('rhythm-mini');
    await expect(page.getByTestId('model-picker').locator('option').first()).toHaveText(/rhythm-mini/);
    // A task problem is ready to run.
    await expect(page.getByTestId('prompt-input')).toHaveValue(/=\?\n$/);
  });
});

export type { TestInfo };
