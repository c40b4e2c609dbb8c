/**
 * Hub benchmark (Playwright on the production build, a mock Hub on 127.0.0.1, wasm):
 *  - download throughput of the page (our streamed, checked, cached download) vs `curl` of the same file and vs a
 *    bare fetch of it on the page (the browser's own ceiling), on loopback and with the mock's CDN paced at network
 *    link rates (on loopback curl measures memory, not a network);
 *  - load time of the same model from the cache (navigation → model loaded, no network);
 *  - forward at N = 256 of a GPT-2-small-shaped model (12 layers, width 768, 12 heads; a 97-token vocabulary so the
 *    download stays ~340 MB) with the wasm backend on 1 thread vs all threads, in the same run.
 * The browser runs with a profile on disk (as a person's does: Cache Storage writes go to disk, not memory).
 * Flags: --build (vite build first), --out=DIR (build folder), --runs=N (default 3), --layers=L (default 12),
 * --only=download|forward.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type BrowserContext, type Page } from '@playwright/test';
import { charVocabJson, makeTinyGpt2 } from '../src/core/model/testing/tinyGpt2';
import { writeSafetensors } from '../src/core/io/safetensors';
import { MockHub } from '../e2e/mock-hub';
import { QUIET_CHROMIUM_ARGS, ensureBuild, fmt, loadAverage, median, outDirOf, startPreview } from './preview';
// @ts-expect-error -- plain .mjs script without type declarations.
import { findChromium } from '../scripts/find-chromium.mjs';

// PW_PORT: the port this checkout's e2e runs use, so benches of several checkouts do not collide.
const PORT = Number(process.env.PW_PORT ?? 4181);
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

/** performance.now() once `name` is the loaded model; throws with the page's error text if a load fails instead. */
async function loadedAt(page: Page, name: string): Promise<number> {
  const outcome = await page.waitForFunction(
    (n) =>
      window.__rhythmscope?.state().model === n
        ? 'loaded'
        : document.querySelector('[data-testid="error-banner"]')?.textContent || undefined,
    name,
    { timeout: 600_000 },
  );
  const v = await outcome.jsonValue();
  if (v !== 'loaded') throw new Error(`loading ${name} failed: ${v}`);
  return page.evaluate(() => performance.now());
}

/** The download's own measures (src/core/hub/download.ts) for one file, and the resource timing of its fetch. */
async function downloadPhases(page: Page, file: string) {
  return page.evaluate((f) => {
    const res = (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).filter((r) =>
      r.name.endsWith(`/${f}`),
    );
    const r = res.at(-1);
    return {
      readMs: performance.getEntriesByName(`rs:hub:read:${f}`).at(-1)?.duration ?? NaN,
      checkMs: performance.getEntriesByName(`rs:hub:check:${f}`).at(-1)?.duration ?? NaN,
      storeMs: performance.getEntriesByName(`rs:hub:store:${f}`).at(-1)?.duration ?? NaN,
      fetchMs: r ? r.responseEnd - r.startTime : NaN,
    };
  }, file);
}

/** The browser's own ceiling: a bare fetch of the file on the page, read to the end and dropped (no copy, hash or cache). */
async function bareFetchRate(page: Page, url: string): Promise<number> {
  const r = await page.evaluate(async (u) => {
    const t0 = performance.now();
    const res = await fetch(u, { cache: 'no-store' });
    const reader = res.body!.getReader();
    let n = 0;
    for (let c = await reader.read(); !c.done; c = await reader.read()) n += c.value.length;
    return { n, ms: performance.now() - t0 };
  }, url);
  return mbps(r.n, r.ms);
}

async function clearHubCache(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await caches.delete('rhythmscope-hub-v1');
  });
}

export async function main(args: string[]): Promise<void> {
  const runs = Number(args.find((a) => a.startsWith('--runs='))?.slice(7) ?? 3);
  const layers = Number(args.find((a) => a.startsWith('--layers='))?.slice(9) ?? 12);
  const only = args.find((a) => a.startsWith('--only='))?.slice(7);
  ensureBuild(args);
  console.log(`load average at start: ${loadAverage()} (a machine's other processes slow every measure alike)\n`);
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
  const profile = mkdtempSync(join(tmpdir(), 'rhythmscope-hub-bench-'));
  let context: BrowserContext | undefined;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: await findChromium(),
      args: QUIET_CHROMIUM_ARGS,
    });
    const page = context.pages()[0] ?? (await context.newPage());
    const q = `backend=wasm&test=1&hub=${encodeURIComponent(hub.hubUrl)}`;
    console.log(
      `model: GPT-2-small shape, ${layers} layers, weights ${(weights.length / 1e6).toFixed(0)} MB (F32); Chromium headless, wasm\n`,
    );
    console.log('| measure | value |');
    console.log('|---|---|');
    if (only !== 'forward') await benchDownload(page, q, hub, weights.length, runs);
    if (only !== 'download') await benchForward(page, q, runs);
  } finally {
    await context?.close();
    server.kill();
    await hub.stop();
    rmSync(profile, { recursive: true, force: true });
  }
  console.log(`\nload average at end: ${loadAverage()}`);
}

/** One download of the file by curl, by the page (our checked download) and by a bare fetch on the page. */
async function downloadRound(page: Page, q: string, fileUrl: string, size: number) {
  const c = await curlRate(fileUrl);
  await page.goto(`${BASE}/?${q}&builtin=tiny-random`);
  await loadedAt(page, 'tiny-random');
  await clearHubCache(page);
  const t0 = await page.evaluate(() => performance.now());
  await page.getByTestId('hub-input').fill(REPO);
  await page.getByTestId('hub-load-button').click();
  const t1 = await loadedAt(page, REPO);
  // The cache write goes on after the load: the panel lists the model once it is done.
  await page.getByTestId('cached-model').first().waitFor({ timeout: 120_000 });
  const p = await downloadPhases(page, 'model.safetensors');
  return {
    curl: mbps(c.bytes, c.ms),
    read: mbps(size, p.readMs),
    checked: mbps(size, p.readMs + p.checkMs),
    checkMs: p.checkMs,
    storeMs: p.storeMs,
    openMs: t1 - t0,
    bare: await bareFetchRate(page, fileUrl),
  };
}

/** Link rates the mock Hub's CDN is paced at (bytes per second; undefined: loopback, as fast as it goes). */
const LINKS: { label: string; rate?: number }[] = [
  { label: 'loopback, unpaced' },
  { label: '1 Gbit/s (125 MB/s)', rate: 125e6 },
  { label: '500 Mbit/s (62.5 MB/s)', rate: 62.5e6 },
];

async function benchDownload(page: Page, q: string, hub: MockHub, size: number, runs: number): Promise<void> {
  const fileUrl = `${hub.hubUrl}/${REPO}/resolve/main/model.safetensors`;
  const rows: string[] = [];
  await curlRate(fileUrl); // warm-up: the mock computes the file's hashes on its first request
  type Round = Awaited<ReturnType<typeof downloadRound>>;
  let unpaced: Round[] = [];
  for (const link of LINKS) {
    hub.repos[REPO].bytesPerSecond = link.rate;
    const rounds: Round[] = [];
    // curl and the page take turns, so a change in the shared machine's load hits both.
    for (let i = 0; i < runs; i++) rounds.push(await downloadRound(page, q, fileUrl, size));
    if (!link.rate) unpaced = rounds;
    const m = (k: keyof Round) => median(rounds.map((r) => r[k]));
    const c = m('curl');
    const pct = (v: number) => `${fmt(v)} (${fmt((v / c) * 100)}%)`;
    rows.push(`| ${link.label} | ${fmt(c)} | ${pct(m('bare'))} | ${pct(m('read'))} | ${pct(m('checked'))} |`);
  }
  delete hub.repos[REPO].bytesPerSecond;
  const m = (k: keyof Round) => median(unpaced.map((r) => r[k]));
  console.log(
    `| of which the sha256 check after the last byte (loopback), median of ${runs} | ${fmt(m('checkMs'))} ms |`,
  );
  console.log(
    `| Cache Storage write (starts with the check, finishes after the load; loopback), median of ${runs} | ${fmt(m('storeMs'))} ms |`,
  );
  console.log(
    `| first open (click → model loaded: download, check, cache, worker build; loopback), median of ${runs} | ${fmt(m('openMs'))} ms (${fmt(mbps(size, m('openMs')))} MB/s) |`,
  );
  const hit = { ms: [] as number[], ready: [] as number[], read: [] as number[] };
  for (let i = 0; i < runs; i++) {
    await page.goto(`${BASE}/?${q}&model=hf:${REPO}`);
    await loadedAt(page, REPO);
    // No named functions inside evaluate: tsx would wrap them in a helper the page does not have.
    const [loaded, ready, read] = await page.evaluate(() =>
      ['rs:model-loaded', 'rs:engine-ready', 'rs:hub:cache-read:model.safetensors']
        .map((n) => performance.getEntriesByName(n).at(-1))
        .map((e, i) => (i < 2 ? e?.startTime : e?.duration) ?? NaN),
    );
    hit.ms.push(loaded);
    hit.ready.push(ready);
    hit.read.push(read);
  }
  const reopen = median(hit.ms);
  const parts = median(hit.ready) + median(hit.read);
  console.log(
    `| reopen from the cache (navigation → model loaded, sha256 checked), median of ${runs} | ${fmt(reopen)} ms |`,
  );
  console.log(
    `| of which: engine ready / the weights read from Cache Storage and their sha256 checked (the download's worker) / the rest (mostly the model's worker building it) | ${fmt(median(hit.ready))} / ${fmt(median(hit.read))} / ${fmt(reopen - parts)} ms |`,
  );
  console.log(
    `\nDownload rate of model.safetensors (302 → CDN origin) in MB/s, median of ${runs}; in brackets, % of curl on the same link:\n`,
  );
  console.log(
    "| link | curl | bare fetch on the page (read and dropped: the browser's ceiling) | page download: request → last byte in memory | page download with the sha256 check (bytes usable) |",
  );
  console.log('|---|---|---|---|---|');
  for (const r of rows) console.log(r);
}

async function benchForward(page: Page, q: string, runs: number): Promise<void> {
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  const ids = Array.from({ length: 256 }, (_, i) => (i * 7) % 97);
  const times: Record<number, number[]> = { 1: [], [cores]: [] };
  const shown: Record<number, string> = {};
  // Two rounds of 1 thread then all threads: a load change during the run shows in both.
  for (let round = 0; round < 2; round++) {
    for (const threads of [1, cores]) {
      await page.goto(`${BASE}/?${q}&model=hf:${REPO}&threads=${threads}`);
      await loadedAt(page, REPO);
      shown[threads] = (await page.getByTestId('backend-badge').getAttribute('data-threads')) ?? '?';
      const t = await page.evaluate(
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
      times[threads].push(...t);
    }
  }
  const n = times[1].length;
  console.log(
    `| forward N = 256, 1 thread (badge threads: ${shown[1]}), median of ${n} | ${fmt(median(times[1]))} ms |`,
  );
  console.log(
    `| forward N = 256, ${cores} threads (badge threads: ${shown[cores]}), median of ${n} | ${fmt(median(times[cores]))} ms |`,
  );
  console.log(`| speed-up, all threads vs 1 | ${(median(times[1]) / median(times[cores])).toFixed(2)}× |`);
}
