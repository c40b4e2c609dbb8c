/** The one Export menu's markup (Node, no DOM): every item with its test id, enabled only once there is a record. */
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { smallRecord } from '../tokens/testRecord';
import { AppExportMenu, ExportMenuBody, openExportMenu, useExportMenuStore } from './ExportMenu';

const ITEMS = [
  'export-credits-json',
  'export-credits-csv',
  'export-credits-verl',
  'export-dump',
  ...['tokens', 'rhythm', 'heatmap', 'gallery', 'credit'].flatMap((v) => [
    `export-figure-${v}-png`,
    `export-figure-${v}-svg`,
  ]),
  'import-dump-button',
  'import-dump-input',
];
const EXPORTS = ITEMS.slice(0, -2);

/** The `<button …>` / `<input …>` tag carrying a test id. */
function tag(html: string, id: string): string {
  const m = html.match(new RegExp(`<(button|input)[^>]*data-testid="${id}"[^>]*>`));
  expect(m, id).not.toBeNull();
  return m![0];
}
const body = (record: ReturnType<typeof smallRecord> | null, busy: boolean) =>
  renderToStaticMarkup(<ExportMenuBody record={record} busy={busy} onDone={() => undefined} />);

describe('the Export menu', () => {
  it('is one menu (export-menu, toggle export-menu-toggle) holding every export and the import', () => {
    const html = renderToStaticMarkup(<AppExportMenu />);
    expect(html.match(/data-testid="export-menu"/g)).toHaveLength(1);
    expect(html).toMatch(/<details[^>]*data-testid="export-menu"[^>]*><summary[^>]*data-testid="export-menu-toggle"/);
    expect(html).not.toMatch(/<details[^>]* open=""/);
    for (const id of ITEMS) tag(html, id);
  });

  it('exports need a record; a running analysis blocks the dump and the import only', () => {
    const none = body(null, false);
    for (const id of EXPORTS) expect(tag(none, id), id).toContain('disabled');
    expect(tag(none, 'import-dump-button')).not.toContain('disabled');
    const ready = body(smallRecord(), false);
    for (const id of ITEMS) expect(tag(ready, id), id).not.toContain('disabled');
    const busy = body(smallRecord(), true);
    expect(tag(busy, 'export-dump')).toContain('disabled');
    expect(tag(busy, 'import-dump-button')).toContain('disabled');
    expect(tag(busy, 'export-credits-csv')).not.toContain('disabled');
  });

  it('openExportMenu() opens it and asks for focus on the first item', () => {
    expect(useExportMenuStore.getState().open).toBe(false);
    openExportMenu();
    expect(useExportMenuStore.getState()).toEqual({ open: true, focusFirst: true });
  });
});
