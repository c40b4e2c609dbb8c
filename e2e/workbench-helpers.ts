/** Helpers of the workbench e2e tests: model folders as dropped files, long-task measurement, view screenshots. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page, TestInfo } from '@playwright/test';
import { FIXTURE_MODEL } from './helpers';

/** The fixture model folder's files (name → bytes). */
export function fixtureFiles(): Record<string, Buffer> {
  const dir = join('public', 'models', FIXTURE_MODEL);
  const out: Record<string, Buffer> = {};
  for (const f of readdirSync(dir)) if (f !== 'README.md') out[f] = readFileSync(join(dir, f));
  return out;
}

/** Drops files on the model drop zone through a real DataTransfer (as a file manager drag would). */
export async function dropFiles(page: Page, files: Record<string, Buffer>): Promise<void> {
  const payload = Object.entries(files).map(([name, b]) => ({ name, data: b.toString('base64') }));
  const handle = await page.evaluateHandle((list) => {
    const dt = new DataTransfer();
    for (const { name, data } of list) {
      const bin = atob(data);
      const bytes = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      dt.items.add(new File([bytes], name));
    }
    return dt;
  }, payload);
  await page.getByTestId('model-drop-zone').dispatchEvent('drop', { dataTransfer: handle });
}

/** Records every main-thread long task (> 50 ms) from the first script on. */
export async function installLongTaskObserver(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as { __longTasks: number[]; __longTaskLog: string[] };
    w.__longTasks = [];
    w.__longTaskLog = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries())
        (w.__longTasks.push(e.duration), w.__longTaskLog.push(`${e.startTime.toFixed(0)}+${e.duration.toFixed(0)}`));
    }).observe({ type: 'longtask', buffered: true });
  });
}

export async function maxLongTask(page: Page): Promise<number> {
  return page.evaluate(() => Math.max(0, ...(window as unknown as { __longTasks: number[] }).__longTasks));
}

/** A screenshot of one view, e2e-output/screenshots/<project>-view-<testid>.png. */
export async function viewShot(page: Page, info: TestInfo, testId: string): Promise<void> {
  await page.getByTestId(testId).screenshot({ path: `e2e-output/screenshots/${info.project.name}-view-${testId}.png` });
}

/** Long tasks as "start+duration" (ms since navigation), for reports. */
export async function longTaskLog(page: Page): Promise<string[]> {
  return page.evaluate(() => [
    ...(window as unknown as { __longTaskLog: string[] }).__longTaskLog,
    ...performance.getEntriesByType('mark').map((m) => `${m.name}@${m.startTime.toFixed(0)}`),
  ]);
}

/** RFC 4180 CSV → rows of fields (quoted fields may hold commas, doubled quotes and line breaks). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') ((field += '"'), i++);
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') (row.push(field), (field = ''));
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) (row.push(field), rows.push(row));
  return rows;
}

/** One main-thread task over 50 ms: its length and the part of it spent running the app's own code. */
export interface TaskShare {
  startMs: number;
  totalMs: number;
  /** Main-thread CPU time of the task (trace `tdur`): the time the OS gave to other threads and processes is not in it. */
  cpuMs: number;
  /** The app's scripts run from callbacks (renders, effects, frames, timers, messages), with the layouts they force. */
  appMs: number;
  /** The same in main-thread CPU time. */
  appCpuMs: number;
  /** Evaluation of a module script (the page bundle: compile + top level of React, d3, the app), once at start-up. */
  moduleMs: number;
  top: string;
  /** CPU time of the test harness's DevTools-protocol commands inside the task (Playwright's evaluations). */
  harnessCpuMs: number;
  /** The task's five longest inner events (name, mojo interface, CPU ms): what the main thread spent it on. */
  parts: string;
}

// Trace events that run page script (a microtask's script shows as a FunctionCall inside it); what a task spends outside them (style, layout, paint, raster, Playwright's
// own injected scripts) is the browser's. Layout the app forces (a size read after a write) happens inside them.
const SCRIPT_EVENTS = new Set(['FunctionCall', 'TimerFire', 'FireAnimationFrame', 'EvaluateScript']);
const WITH_URL = new Set(['FunctionCall', 'EvaluateScript']);

/**
 * Starts a Chromium trace (devtools.timeline) of the page; the returned function stops it and attributes every
 * main-thread task > 50 ms: total length and the union of its script intervals from the app's origin.
 */
export async function traceLongTasks(page: Page): Promise<() => Promise<TaskShare[]>> {
  const cdp = await page.context().newCDPSession(page);
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', (e) => events.push(...(e.value as unknown as TraceEvent[])));
  await cdp.send('Tracing.start', {
    transferMode: 'ReportEvents',
    traceConfig: {
      includedCategories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'toplevel', 'v8.execute'],
    },
  });
  return async () => {
    const done = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
    await cdp.send('Tracing.end');
    await done;
    await cdp.detach();
    return attributeTasks(events, new URL(page.url()).origin);
  };
}

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  tdur?: number;
  args?: { name?: string; data?: { url?: string }; [k: string]: unknown };
}

function mojoTag(e: TraceEvent): string {
  const info = e.args?.chrome_mojo_event_info as { mojo_interface_tag?: string } | undefined;
  return info?.mojo_interface_tag ?? '';
}

function attributeTasks(events: TraceEvent[], origin: string): TaskShare[] {
  const key = (e: TraceEvent) => `${e.pid}:${e.tid}`;
  const mainThreads = new Set(
    events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map(key),
  );
  const perThread = new Map<string, TraceEvent[]>();
  for (const e of events) {
    if (e.ph !== 'X' || e.dur === undefined || !mainThreads.has(key(e))) continue;
    const list = perThread.get(key(e));
    if (list) list.push(e);
    else perThread.set(key(e), [e]);
  }
  // The page's renderer is the busiest one.
  const ev =
    [...perThread.values()].sort((a, b) => b.length - a.length)[0]?.sort((a, b) => a.ts - b.ts || b.dur! - a.dur!) ??
    [];
  const t0 = ev[0]?.ts ?? 0;
  const out: TaskShare[] = [];
  let end = -1;
  for (const task of ev) {
    if (!/RunTask$/.test(task.name) || task.ts < end) continue; // top-level tasks only
    end = task.ts + task.dur!;
    if (task.dur! <= 50_000) continue;
    let appUs = 0,
      appCpuUs = 0,
      moduleUs = 0,
      coveredTo = task.ts,
      top = '',
      topUs = 0;
    const inner = ev.filter((e) => e.ts >= task.ts && e.ts < end && e !== task);
    // Playwright drives the page over the DevTools protocol: its commands (evaluations, selector queries, actionability
    // checks) run on the main thread as DevToolsSession messages. That is the test's work, not the app's or the user's.
    const harnessUs = inner
      .filter((e) => mojoTag(e) === 'blink.mojom.DevToolsSession')
      .reduce((sum, e) => sum + (e.tdur ?? e.dur!), 0);
    for (const e of inner) {
      if (e.name === 'v8.evaluateModule') moduleUs += e.dur!;
      if (!SCRIPT_EVENTS.has(e.name) || e.ts < coveredTo) continue; // outermost script events only (they nest)
      const url = e.args?.data?.url ?? '';
      if (WITH_URL.has(e.name) && !url.startsWith(origin)) continue; // Playwright's injected scripts and listeners
      appUs += e.dur!;
      appCpuUs += e.tdur ?? e.dur!;
      coveredTo = e.ts + e.dur!;
      if (e.dur! > topUs) ((topUs = e.dur!), (top = `${e.name} ${url.replace(/.*\//, '')}`.trim()));
    }
    out.push({
      startMs: (task.ts - t0) / 1000,
      totalMs: task.dur! / 1000,
      cpuMs: (task.tdur ?? task.dur!) / 1000,
      appMs: appUs / 1000,
      appCpuMs: appCpuUs / 1000,
      moduleMs: moduleUs / 1000,
      top,
      harnessCpuMs: harnessUs / 1000,
      parts: inner
        .sort((a, b) => b.dur! - a.dur!)
        .slice(0, 5)
        .map((e) => `${e.name}${mojoTag(e) ? ` (${mojoTag(e)})` : ''} ${((e.tdur ?? e.dur!) / 1000).toFixed(0)} ms`)
        .join(', '),
    });
  }
  return out;
}
