/**
 * Hub benchmark (Playwright on the production build, a mock Hub on 127.0.0.1, wasm):
 *  - download throughput of the page (our streamed, checked, cached download) vs `curl` of the same file;
 *  - load time of the same model from the cache (navigation → model loaded, no network);
 *  - forward at N = 256 of a GPT-2-small-shaped model (12 layers, width 768, 12 heads; a 97-token vocabulary so the
 *    download stays ~340 MB) with the wasm backend on 1 thread vs all threads, in the same run.
 * Flags: --build (vite build first), --runs=N (default 5), --layers=L (default 12).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { chromium, type Page } from '@playwright/test';
import { charVocabJson, makeTinyGpt2 } from '../src/core/model/testing/tinyGpt2';
import { writeSafetensors } from '../src/core/io/safetensors';
import { MockHub } from '../e2e/mock-hub';
import { QUIET_CHROMIUM_ARGS, ensureBuild, fmt, loadAverage, median, outDirOf, startPreview } from './preview';
// @ts-expect-error -- plain .mjs script without type declarations.
import { findChromium } from '../scripts/find-chromium.mjs';

const PORT = 4181;
const BASE = `http://127.0.0.1:${PORT}`;
const REPO = 'bench/gpt2-small-shape';

const mbps = (bytes: number, ms: number) => bytes / 1e6 / (ms / 1000);

/** curl runs asynchronously: the mock Hub answering it lives in this process's event loop. */
async function curlRate(url: string): Promise<{ bytes: number; ms: number }> {
  const { stdout } = await promisify(execFile)('curl', [
    '-sfL',
    '-o',
    '/dev/null',
    '-w',
    '%{size_download} %{time_total}',
    url,
  ]);
  const [bytes, s] = stdout.trim().split(' ').map(Number);
  return { bytes, ms: s * 1000 };
}

async function loadedAt(page: Page, name: string): Promise<number> {
  await page.waitForFunction((n) => window.__rhythmscope?.state().model === n, name, { timeout: 600_000 });
  return page.evaluate(() => performance.now());
}

export async function main(args: string[]): Promise<void> {
  const runs = Number(args.find((a) => a.startsWith('--runs='))?.slice(7) ?? 5);
  const layers = Number(args.find((a) => a.startsWith('--layers='))?.slice(9) ?? 12);
  ensureBuild(args);
  console.log(`load average at start: ${loadAverage()} (2 vCPUs shared)\n`);
  const { configJson, tensors } = makeTinyGpt2({
    nLayer: layers,
    nHead: 12,
    nEmbd: 768,
    nPositions: 1024,
    seed: 3,
    fastInit: true,
  });
  const weights = writeSafetensors(tensors, { format: 'pt' });
  const enc = new TextEncoder();
  const hub = new MockHub({
    [REPO]: {
      files: {
        'config.json': enc.encode(configJson),
        'char_vocab.json': enc.encode(charVocabJson()),
        'model.safetensors': weights,
      },
    },
  });
  await hub.start();
  const server = await startPreview(PORT, outDirOf(args));
  const browser = await chromium.launch({ executablePath: await findChromium(), args: QUIET_CHROMIUM_ARGS });
  try {
    const fileUrl = `${hub.hubUrl}/${REPO}/resolve/main/model.safetensors`;
    const curl: { bytes: number; ms: number }[] = [];
    for (let i = 0; i < 3; i++) curl.push(await curlRate(fileUrl));
    const context = await browser.newContext();
    const page = await context.newPage();
    const q = `backend=wasm&test=1&hub=${encodeURIComponent(hub.hubUrl)}`;
    await page.goto(`${BASE}/?${q}&builtin=tiny-random`);
    await loadedAt(page, 'tiny-random');
    const t0 = await page.evaluate(() => performance.now());
    await page.getByTestId('hub-input').fill(REPO);
    await page.getByTestId('hub-load-button').click();
    const t1 = await loadedAt(page, REPO);
    const fetchMs = await page.evaluate((cdn) => {
      const e = (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).filter((r) =>
        r.name.startsWith(cdn),
      );
      return e.length ? e[e.length - 1].responseEnd - e[e.length - 1].startTime : NaN;
    }, hub.cdnUrl);
    const hitMs: number[] = [];
    for (let i = 0; i < Math.min(runs, 3); i++) {
      await page.goto(`${BASE}/?${q}&model=hf:${REPO}`);
      await loadedAt(page, REPO);
      hitMs.push(await page.evaluate(() => performance.getEntriesByName('rs:model-loaded')[0]?.startTime ?? NaN));
    }
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    const ids = Array.from({ length: 256 }, (_, i) => (i * 7) % 97);
    const forward: Record<number, { threads: string; ms: number }> = {};
    for (const threads of [1, cores]) {
      await page.goto(`${BASE}/?${q}&model=hf:${REPO}&threads=${threads}`);
      await loadedAt(page, REPO);
      const shown = await page.getByTestId('backend-badge').getAttribute('data-threads');
      const times = await page.evaluate(
        async ({ ids, runs }) => {
          await window.__rhythmscope!.forwardLogits(ids); // warm-up
          const out: number[] = [];
          for (let i = 0; i < runs; i++) {
            const t = performance.now();
            await window.__rhythmscope!.forwardLogits(ids);
            out.push(performance.now() - t);
          }
          return out;
        },
        { ids, runs },
      );
      forward[threads] = { threads: shown ?? '?', ms: median(times) };
    }
    await context.close();

    const curlMed = median(curl.map((c) => mbps(c.bytes, c.ms)));
    const pageRate = mbps(weights.length, fetchMs);
    console.log(
      `model: GPT-2-small shape, ${layers} layers, weights ${(weights.length / 1e6).toFixed(0)} MB (F32); Chromium headless, wasm\n`,
    );
    console.log('| measure | value |');
    console.log('|---|---|');
    console.log(`| curl of model.safetensors (302 → CDN origin), median of 3 | ${fmt(curlMed)} MB/s |`);
    console.log(
      Number.isFinite(pageRate)
        ? `| page fetch of the same file (resource timing) | ${fmt(pageRate)} MB/s (${fmt((pageRate / curlMed) * 100)}% of curl) |`
        : '| page fetch of the same file (resource timing) | no entry recorded |',
    );
    const e2e = mbps(weights.length, t1 - t0);
    console.log(
      `| first open as a rate (weights / click → loaded) | ${fmt(e2e)} MB/s (${fmt((e2e / curlMed) * 100)}% of curl) |`,
    );
    console.log(`| first open (click → model loaded: download, checks, cache, worker upload) | ${fmt(t1 - t0)} ms |`);
    console.log(
      `| reopen from the cache (navigation → model loaded), median of ${hitMs.length} | ${fmt(median(hitMs))} ms |`,
    );
    console.log(
      `| forward N = 256, 1 thread (badge: ${forward[1].threads}), median of ${runs} | ${fmt(forward[1].ms)} ms |`,
    );
    console.log(
      `| forward N = 256, ${cores} threads (badge: ${forward[cores].threads}), median of ${runs} | ${fmt(forward[cores].ms)} ms |`,
    );
    console.log(`| speed-up, all threads vs 1 | ${(forward[1].ms / forward[cores].ms).toFixed(2)}× |`);
  } finally {
    await browser.close();
    server.kill();
    await hub.stop();
  }
  console.log(`\nload average at end: ${loadAverage()}`);
}
