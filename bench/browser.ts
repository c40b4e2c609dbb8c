/**
 * Browser benchmark through Playwright on the production build (the load-to-analysis and heatmap targets of docs/performance.md, headless Chromium, wasm):
 *  - built-in model, N = 512: model load (from navigation) and teacher-forced analysis until the record is in
 *    the page (target: load-to-analysis < 2 s);
 *  - redraw of the attention heatmap at N = 1024 (1024 × 1024 map) on zoom / pan (target < 50 ms): the canvas
 *    draw time the view reports (data-draw-ms) and the whole frame (event → React → draw → next frame).
 * Flags: --build (run `vite build` first; also done when dist/ is missing), --runs=N (default 5),
 * --out=DIR (build folder, default dist), --omnibox (keep Chromium's WebUI omnibox popup, see QUIET_CHROMIUM_ARGS),
 * --load-only (only the best built-in model's load-to-analysis, with its breakdown), --builtin=ID (that model instead).
 * Wall times on a shared machine: the load average is printed with the tables.
 */
import { QUIET_CHROMIUM_ARGS, ensureBuild, fmt, loadAverage, median, outDirOf, startPreview } from './preview';
import { chromium, type Page, type Worker } from '@playwright/test';
// @ts-expect-error -- plain .mjs script without type declarations.
import { findChromium } from '../scripts/find-chromium.mjs';

const PORT = 4180;
const BASE = `http://127.0.0.1:${PORT}`;

/** A response of exactly `n` tokens for a character vocabulary holding the task characters. */
function taskText(n: number): string {
  const unit = '12+34=46\n';
  return unit.repeat(Math.ceil(n / unit.length)).slice(0, n);
}

async function openApp(page: Page, builtin?: string) {
  await page.goto(`${BASE}/?backend=wasm&test=1${builtin ? `&builtin=${builtin}` : ''}`);
  await page.waitForFunction(() => performance.getEntriesByName('rs:model-loaded').length > 0, null, {
    timeout: 120_000,
  });
  return page.evaluate(() => ({
    loadMs: performance.getEntriesByName('rs:model-loaded')[0].startTime,
    engineMs: performance.getEntriesByName('rs:engine-ready')[0]?.startTime ?? NaN,
    model: window.__rhythmscope!.state().model,
    backend: window.__rhythmscope!.state().backend,
    context: window.__rhythmscope!.state().context ?? 0,
  }));
}

type Timeline = { name: string; at: number; dur?: number }[];

/**
 * Where start-up time goes: the page's and the engine worker's performance marks (rs:*) and resource fetches,
 * on one clock (ms since navigation; the worker's entries are shifted by the two time origins).
 */
async function timeline(page: Page, worker: Worker | undefined): Promise<Timeline> {
  const read = () => ({
    origin: performance.timeOrigin,
    marks: performance.getEntriesByType('mark').map((e) => ({ name: e.name, at: e.startTime })),
    fetches: (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).map((e) => ({
      name: `fetch ${e.name.replace(/^.*\//, '').replace(/-[\w-]{8}\./, '.')}`,
      at: e.startTime,
      dur: e.duration,
    })),
  });
  const p = await page.evaluate(read);
  const w = worker ? await worker.evaluate(read) : { origin: p.origin, marks: [], fetches: [] };
  const shift = w.origin - p.origin;
  const wEntries = [...w.marks, ...w.fetches].map((e) => ({ ...e, name: `worker ${e.name}`, at: e.at + shift }));
  return [...p.marks, ...p.fetches.map((e) => ({ ...e, name: `page ${e.name}` })), ...wEntries].sort(
    (a, b) => a.at - b.at,
  );
}

/** Median time of each entry over runs, in order of time. */
function printBreakdown(runs: Timeline[]) {
  const byName = new Map<string, { at: number[]; dur: number[] }>();
  for (const t of runs)
    for (const e of t) {
      const v = byName.get(e.name) ?? { at: [], dur: [] };
      v.at.push(e.at);
      if (e.dur !== undefined) v.dur.push(e.dur);
      byName.set(e.name, v);
    }
  const rows = [...byName]
    .map(([name, v]) => ({ name, at: median(v.at), dur: v.dur.length ? median(v.dur) : NaN, n: v.at.length }))
    .sort((a, b) => a.at - b.at);
  console.log('Breakdown (median over runs; ms since navigation; fetch rows: start and duration)\n');
  console.log('| entry | at ms | fetch ms | runs |');
  console.log('|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.name} | ${fmt(r.at)} | ${Number.isNaN(r.dur) ? '' : fmt(r.dur)} | ${r.n} |`);
  console.log('');
}

/** `builtin` undefined = the best built-in model the app picks; N = 512 or its context when shorter. */
async function loadToAnalysis(runs: number, args: string[], builtin?: string) {
  const browser = await chromium.launch({
    executablePath: await findChromium(),
    args: args.includes('--omnibox') ? ['--no-sandbox'] : QUIET_CHROMIUM_ARGS,
  });
  const rows: string[] = [];
  const totals: number[] = [];
  const timelines: Timeline[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const page = await browser.newPage();
      let engineWorker: Worker | undefined;
      page.on('worker', (w) => {
        if (w.url().includes('worker')) engineWorker = w;
      });
      const app = await openApp(page, builtin);
      const prompt = '12+34=?\n';
      const N = Math.min(512, app.context);
      const r = await page.evaluate(([p, t]) => window.__rhythmscope!.analyzeText(p, t), [
        prompt,
        taskText(N - prompt.length),
      ] as const);
      if (!r.ok) throw new Error('analysis failed');
      const n = await page.evaluate(() => window.__rhythmscope!.record()!.tokens.length);
      totals.push(app.loadMs + r.ms);
      timelines.push(await timeline(page, engineWorker));
      rows.push(
        `| ${i + 1} | ${app.model} | ${app.backend} | ${n} | ${fmt(app.loadMs)} | ${fmt(r.workerMs ?? NaN)} | ${fmt(r.ms)} | ${fmt(app.loadMs + r.ms)} |`,
      );
      await page.close();
    }
  } finally {
    await browser.close();
  }
  console.log(
    `## ${builtin ?? 'Best built-in'} model: load (from navigation) then analysis of N = min(512, context), wasm\n`,
  );
  console.log(
    '| run | model | backend | N | page open → model loaded ms | analysis in worker ms | analysis in page ms | load-to-analysis ms |',
  );
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of rows) console.log(r);
  console.log(`\nmedian load-to-analysis: **${fmt(median(totals))} ms** (target < 2000)\n`);
  printBreakdown(timelines);
}

async function heatmapRedraw(steps: number, args: string[]) {
  const browser = await chromium.launch({
    executablePath: await findChromium(),
    args: args.includes('--omnibox') ? ['--no-sandbox'] : QUIET_CHROMIUM_ARGS,
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1200 } });
    await openApp(page, 'tiny-random'); // n_positions 1024
    const prompt = '12+34=?\n';
    const r = await page.evaluate(([p, t]) => window.__rhythmscope!.analyzeText(p, t), [
      prompt,
      taskText(1024 - prompt.length),
    ] as const);
    if (!r.ok) throw new Error('N = 1024 analysis failed');
    const panel = page.locator('[data-testid="attention-heatmap"]');
    await page.waitForFunction(
      () => document.querySelector('[data-testid="attention-heatmap"]')?.getAttribute('data-draw-ms') !== null,
      null,
      { timeout: 60_000 },
    );
    await panel.scrollIntoViewIfNeeded();
    const box = (await page.locator('[data-testid="attention-heatmap"] canvas').boundingBox())!;
    const cx = box.x + box.width / 2,
      cy = box.y + box.height / 2;
    await page.mouse.move(cx, cy);
    const draw: number[] = [],
      frame: number[] = [];
    for (let i = 0; i < steps; i++) {
      // Alternate zoom in / out so the map stays on screen; each step is one redraw.
      const dy = i % 2 === 0 ? -120 : 100;
      const t0 = await page.evaluate(() => performance.now());
      await page.mouse.wheel(0, dy);
      const t1 = await page.evaluate(
        () =>
          new Promise<number>((res) =>
            requestAnimationFrame(() => requestAnimationFrame(() => res(performance.now()))),
          ),
      );
      draw.push(Number(await panel.getAttribute('data-draw-ms')));
      frame.push(t1 - t0);
    }
    const n = await page.evaluate(() => window.__rhythmscope!.record()!.tokens.length);
    console.log(`## Attention heatmap redraw, N = ${n} (${n} × ${n} map), zoom steps\n`);
    console.log('| measure | median ms | max ms | runs |');
    console.log('|---|---|---|---|');
    console.log(`| canvas draw (data-draw-ms) | ${fmt(median(draw))} | ${fmt(Math.max(...draw))} | ${steps} |`);
    console.log(
      `| wheel → next frame (incl. React, two rAFs ≈ +16 ms) | ${fmt(median(frame))} | ${fmt(Math.max(...frame))} | ${steps} |`,
    );
    console.log('\ntarget: redraw < 50 ms\n');
  } finally {
    await browser.close();
  }
}

export async function main(args: string[]): Promise<void> {
  const runs = Number(args.find((a) => a.startsWith('--runs='))?.slice(7) ?? 5);
  ensureBuild(args);
  console.log(`load average at start: ${loadAverage()} (2 vCPUs shared)\n`);
  const server = await startPreview(PORT, outDirOf(args));
  try {
    await loadToAnalysis(runs, args, args.find((a) => a.startsWith('--builtin='))?.slice(10));
    if (!args.includes('--load-only')) {
      await loadToAnalysis(runs, args, 'tiny-random'); // context 1024: the N = 512 case even when the best model is shorter
      await heatmapRedraw(Math.max(10, runs * 4), args);
    }
  } finally {
    server.kill();
  }
  console.log(`load average at end: ${loadAverage()}`);
}
