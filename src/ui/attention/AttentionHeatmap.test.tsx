/**
 * Server-rendered markup (Node, no DOM; effects such as canvas drawing and d3-zoom do not run): test ids,
 * token labels as escaped text, boundary and crosshair overlays, the picker of AttentionView.
 */
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { AttentionHeatmap } from './AttentionHeatmap';
import { AttentionView } from './AttentionView';

const EVIL = '<img src=x onerror=alert(1)>';
const tokens = ['a', ' b', EVIL, 'c', '\n', 'd'];
const n = tokens.length;
function uniform(): Float32Array {
  const m = new Float32Array(n * n);
  for (let t = 0; t < n; t++) for (let s = 0; s <= t; s++) m[t * n + s] = 1 / (t + 1);
  return m;
}

describe('AttentionHeatmap markup', () => {
  it('renders token labels as text, the boundary and the selected crosshair', () => {
    const html = renderToStaticMarkup(
      <AttentionHeatmap map={uniform()} tokens={tokens} promptLength={2} title={`Head ${EVIL}`} selectedToken={3} />,
    );
    expect(html).toContain('data-testid="attention-heatmap"');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img␣src=…'); // label truncated to 10 characters, escaped
    expect(html).toContain('>↵</text>');
    expect(html).toContain('attention-boundary');
    expect(html).toContain('attention-crosshair');
    expect(html).not.toContain('attention-crosshair-hover');
    expect(html).toMatch(/role="img" aria-label="Head &lt;img src=x onerror=alert\(1\)&gt;\. 6 tokens, prompt 2\./);
    // 6 tokens × 40 px cap = 240 px, raised to the 280 px floor
    expect(html).toContain('width:280px;height:280px');
    // The y title sits above the row labels; Reset zoom over the plot, disabled until zoomed.
    expect(html).toContain('>query position t ↓</text>');
    expect(html).toMatch(/<button type="button" class="chart-button attention-reset"[^>]*disabled=""[^>]*>Reset zoom</);
  });
  it('two heatmaps on one page get distinct clip-path and control ids', () => {
    const html = renderToStaticMarkup(
      <div>
        <AttentionHeatmap map={uniform()} tokens={tokens} promptLength={2} title="a" />
        <AttentionHeatmap map={uniform()} tokens={tokens} promptLength={2} title="b" />
      </div>,
    );
    const ids = [...html.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]);
    expect(ids.length).toBeGreaterThanOrEqual(6);
    expect(new Set(ids).size).toBe(ids.length);
  });
  it('a map of the wrong size is a clear message, not a crash', () => {
    const html = renderToStaticMarkup(
      <AttentionHeatmap map={new Float32Array(5)} tokens={tokens} promptLength={2} title="L0H0" />,
    );
    expect(html).toContain('role="alert"');
    expect(html).toContain('the map has 5 values, expected 6 × 6 for 6 tokens');
  });
  it('shows a hovered token from a linked view and omits the boundary without a response', () => {
    const html = renderToStaticMarkup(
      <AttentionHeatmap map={uniform()} tokens={tokens} promptLength={n} title="t" hoveredToken={1} />,
    );
    expect(html).toContain('attention-crosshair-hover');
    expect(html).not.toContain('attention-boundary');
  });
});

describe('AttentionView', () => {
  const heads = { local: [[0, 0]] as [number, number][], global: [[0, 1]] as [number, number][] };
  it('offers the means and kept heads, titled by the choice', () => {
    const maps = new Map([
      ['0:0', uniform()],
      ['0:1', uniform()],
    ]);
    const html = renderToStaticMarkup(<AttentionView heads={heads} maps={maps} tokens={tokens} promptLength={2} />);
    expect(html).toMatch(
      /<option value="mean-local" title="Mean attention of the 1 local head \(short reach[^"]*" selected="">Mean of 1 local heads<\/option>/,
    );
    expect(html).toMatch(
      /<option value="L0H1" title="Layer 0, head 1 alone, one of the global heads: [^"]*">Layer 0 · head 1 \(global\)<\/option>/,
    );
    // The closed picker's hover text is the current map's.
    expect(html).toMatch(/<select [^>]*title="Mean attention of the 1 local head /);
    expect(html).toContain('<h3 class="chart-title">Attention</h3>');
  });
  it('explains when no map was kept', () => {
    const html = renderToStaticMarkup(
      <AttentionView heads={heads} maps={new Map()} tokens={tokens} promptLength={2} />,
    );
    expect(html).toContain('data-testid="attention-heatmap"');
    expect(html).toContain('No attention map to show');
  });
});
