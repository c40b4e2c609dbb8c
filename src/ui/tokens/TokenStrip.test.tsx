/**
 * Server-rendered markup of the views (Node, no DOM): token text is escaped text, never HTML; test ids,
 * whitespace symbols, role glyphs and linking classes are in place.
 */
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { CreditView } from '../credit/CreditView';
import { RhythmChart } from '../rhythm/RhythmChart';
import { smallRecord } from './testRecord';
import { TokenStrip } from './TokenStrip';

const EVIL = '<img src=x onerror=alert(1)>';

describe('views render tokens as text', () => {
  it('token strip: escaped markup, visible whitespace, roles, selection and span', () => {
    const html = renderToStaticMarkup(<TokenStrip record={smallRecord()} selected={3} span={[3, 4]} />);
    expect(html).toContain('data-testid="token-strip"');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img<span class="ts-ws">␣</span>src=x<span class="ts-ws">␣</span>onerror=alert(1)&gt;');
    expect(html).toContain('<span class="ts-ws">↵</span>'); // the "\n" token
    expect(html).toContain('<span class="ts-break">'); // and the line breaks after it
    expect(html.match(/role="option"/g)).toHaveLength(6);
    expect(html).toMatch(/data-pos="3" class="ts-token is-response is-selected\s*"/);
    expect(html).toMatch(/data-pos="5" class="[^"]*is-outside/);
    expect(html).toMatch(/data-pos="0" class="ts-token is-prompt/);
  });

  it('rhythm chart and credit view: token labels escaped, test ids present', () => {
    const chart = renderToStaticMarkup(<RhythmChart record={smallRecord()} width={640} selected={4} />);
    expect(chart).toContain('data-testid="rhythm-chart"');
    expect(chart).toContain('class="rc-rule-selected"');
    expect(chart).not.toContain('<img');
    const credit = renderToStaticMarkup(<CreditView record={smallRecord()} selected={4} />);
    expect(credit).toContain('data-testid="credit-view"');
    // Exports live in the app's one Export menu: the credit view only opens it, and only when asked to.
    expect(credit).not.toContain('export-menu');
    expect(credit).not.toContain('credit-export-button');
    const withButton = renderToStaticMarkup(
      <CreditView record={smallRecord()} onOpenExport={() => undefined} exportName="tiny" />,
    );
    expect(withButton).toMatch(/<button[^>]*data-testid="credit-export-button"[^>]*title="Export the credits of tiny/);
    expect(withButton).not.toContain('export-menu');
    expect(credit).not.toContain('<img');
    expect(credit).toContain(`title="t = 5: ${EVIL.replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/ /g, '␣')}"`);
    // 6 strategies × 4 tokens of γ cells.
    expect(credit.match(/role="gridcell"/g)).toHaveLength(24);
  });
});
