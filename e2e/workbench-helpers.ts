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
      for (const e of list.getEntries()) (w.__longTasks.push(e.duration), w.__longTaskLog.push(`${e.startTime.toFixed(0)}+${e.duration.toFixed(0)}`));
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
      if (c === '"' && text[i + 1] === '"') (field += '"', i++);
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
