/**
 * Browser half of the per-backend model benchmark (foundation issue): headless Chromium through Playwright on the
 * production build, the tiny fixture model (public/models/tiny-random: 2 layers, 4 heads, d 24, 1024 positions),
 * one page per backend (?backend=wasm|webgl|webgpu&builtin=tiny-random&test=1).
 *  - forward time at N = 64, 256, 1024 through the test hook's forwardLogits (worker forward + [N, V] logits back to
 *    the page), median of --runs (default 3) after one warm-up at each N;
 *  - WebGPU here is usually SwiftShader's software fallback adapter (~60x slower): N = 64 and 256 only, 1 run.
 * The backend in the table is the one the worker reports (BackendReport.name === tf.getBackend() there) and the
 * badge shows; a page that ends up on another backend than the one asked for is reported, not timed.
 *  - generation tokens/s, greedy and of fixed length, with the KV cache and with full recompute (the worker's
 *    `generate` takes useCache / ignoreEos), one run each after a short warm-up.
 * Flags: --build (run `vite build` first; also done when dist/ is missing), --runs=N.
 */
import { ensureBuild, fmt, loadAverage, median, startPreview } from './preview';
import { chromium } from '@playwright/test';
// @ts-expect-error -- plain .mjs script without type declarations.
import { findChromium } from '../scripts/find-chromium.mjs';

const PORT = 4181;
const BASE = `http://127.0.0.1:${PORT}`;
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

interface Plan {
  backend: 'wasm' | 'webgl' | 'webgpu';
  sizes: number[];
  runs: number;
  extraArgs: string[];
  newTokens: number;
}

/** Token ids 3..12 (the digits of the char vocabulary) repeated to length n: any valid ids do for timing. */
const ids = (n: number) => Array.from({ length: n }, (_, i) => 3 + (i % 10));

async function benchBackend(plan: Plan, rows: string[], notes: string[], genRows: string[]): Promise<void> {
  const browser = await chromium.launch({
    executablePath: await findChromium(),
    args: [...CHROMIUM_ARGS, ...plan.extraArgs],
  });
  try {
    const page = await browser.newPage();
    await page.goto(`${BASE}/?backend=${plan.backend}&builtin=tiny-random&test=1`);
    try {
      await page.waitForFunction(() => performance.getEntriesByName('rs:model-loaded').length > 0, null, {
        timeout: 180_000,
      });
    } catch {
      const badge = await page
        .locator('[data-testid="backend-badge"]')
        .textContent()
        .catch(() => null);
      notes.push(`${plan.backend}: model did not load within 180 s (badge: ${JSON.stringify(badge)}); not timed`);
      return;
    }
    const st = await page.evaluate(() => window.__rhythmscope!.state());
    const badge = (await page.locator('[data-testid="backend-badge"]').innerText()).replace(/\s+/g, ' ').trim();
    if (st.backend !== plan.backend) {
      notes.push(`${plan.backend}: asked for, but the worker runs ${st.backend} (badge "${badge}"); not timed`);
      return;
    }
    if (st.model === null || st.context === null || st.context < Math.max(...plan.sizes))
      throw new Error(`unexpected model ${JSON.stringify(st)}`);
    // The page's own WebGL renderer (the worker's is the same GPU process): SwiftShader = software, not a GPU.
    const gl = await page.evaluate(() => {
      const c = document.createElement('canvas').getContext('webgl2');
      const ext = c?.getExtension('WEBGL_debug_renderer_info');
      return c ? String(ext ? c.getParameter(ext.UNMASKED_RENDERER_WEBGL) : c.getParameter(c.RENDERER)) : 'none';
    });
    notes.push(
      `${plan.backend}: worker backend ${st.backend} (tf.getBackend() in the worker), badge "${badge}", model ${st.model}, context ${st.context}; page WebGL renderer: ${gl}`,
    );
    for (const n of plan.sizes) {
      const input = ids(n);
      const time = () =>
        page.evaluate(async (x) => {
          const t0 = performance.now();
          const r = await window.__rhythmscope!.forwardLogits(x);
          const ms = performance.now() - t0;
          if (r.seqLen !== x.length || !r.logits.every(Number.isFinite))
            throw new Error(`bad logits: seqLen ${r.seqLen}`);
          return ms;
        }, input);
      const warm = await time();
      const ms: number[] = [];
      for (let i = 0; i < plan.runs; i++) ms.push(await time());
      rows.push(`| ${st.backend} | ${n} | ${fmt(median(ms))} | ${plan.runs} (+1 warm-up, ${fmt(warm)} ms) |`);
    }
    // Generation: greedy, exactly `newTokens` tokens, KV cache vs full recompute (one run each after a short warm-up).
    const gen = (maxTokens: number, useCache: boolean) =>
      page.evaluate(([m, c]) => window.__rhythmscope!.generateTimed('12+34=?', m as number, c as boolean), [
        maxTokens,
        useCache,
      ] as const);
    await gen(8, true);
    await gen(8, false);
    const cached = await gen(plan.newTokens, true);
    const recompute = await gen(plan.newTokens, false);
    genRows.push(
      `| ${st.backend} | ${plan.newTokens} | ${fmt(cached.tokensPerSecond)} | ${fmt(recompute.tokensPerSecond)} | ${(cached.tokensPerSecond / recompute.tokensPerSecond).toFixed(1)}× |`,
    );
  } finally {
    await browser.close();
  }
}

export async function main(args: string[]): Promise<void> {
  const runs = Number(args.find((a) => a.startsWith('--runs='))?.slice(7) ?? 3);
  ensureBuild(args);
  console.log(`load average at start: ${loadAverage()}\n`);
  const plans: Plan[] = [
    { backend: 'wasm', sizes: [64, 256, 1024], runs, extraArgs: [], newTokens: 256 },
    { backend: 'webgl', sizes: [64, 256, 1024], runs, extraArgs: [], newTokens: 256 },
    // SwiftShader software adapter here: ~60x slower, so smaller N and one run.
    { backend: 'webgpu', sizes: [64, 256], runs: 1, extraArgs: ['--enable-unsafe-webgpu'], newTokens: 32 },
  ];
  const rows: string[] = [];
  const notes: string[] = [];
  const genRows: string[] = [];
  const server = await startPreview(PORT);
  try {
    for (const plan of plans) {
      try {
        await benchBackend(plan, rows, notes, genRows);
      } catch (e) {
        notes.push(`${plan.backend}: failed: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
      }
    }
  } finally {
    server.kill();
  }
  console.log('## tiny-random forward (forwardLogits: worker forward + logits to the page), headless Chromium\n');
  console.log('| backend | N | forward ms (median) | runs |');
  console.log('|---|---|---|---|');
  for (const r of rows) console.log(r);
  console.log('\n' + notes.map((n) => `- ${n}`).join('\n'));
  console.log('- webgpu: N = 64 and 256 only, 1 run (software fallback adapter, ~60x slower than a GPU)');
  console.log('\n## tiny-random generation, greedy, fixed length (end token ignored): KV cache vs full recompute\n');
  console.log('| backend | new tokens | KV cache tok/s | full recompute tok/s | ratio |');
  console.log('|---|---|---|---|---|');
  for (const r of genRows) console.log(r);
  console.log('- webgpu: 32 new tokens only (software fallback adapter)');
  console.log(`\nload average at end: ${loadAverage()}`);
}
