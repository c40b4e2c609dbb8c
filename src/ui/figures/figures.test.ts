import { describe, expect, it } from 'vitest';
import { heatmapToSvg, RECT_LIMIT, usesRects } from './heatmap-svg';
import { legendSvg, svgDocument, textEl } from './svg';
import { xmlProblem } from './xml-check';
import { colorOf } from '../theme/scales';

const XSS = '<img src=x onerror=alert(1)>';

function tri(n: number): Float32Array {
  // Uniform causal attention: row t spreads 1/(t+1) over keys 0..t.
  const m = new Float32Array(n * n);
  for (let t = 0; t < n; t++) for (let s = 0; s <= t; s++) m[t * n + s] = 1 / (t + 1);
  return m;
}

describe('xmlProblem (the test helper itself)', () => {
  it('accepts well-formed documents', () => {
    expect(xmlProblem('<?xml version="1.0"?>\n<a x="1"><b/>t &amp; u<c y=\'2\'></c></a>')).toBeNull();
  });
  it.each([
    ['<a><b></a>', /closes/],
    ['<a>', /unclosed/],
    ['<a>x < y</a>', /bad tag name/],
    ['<a>x & y</a>', /unescaped &/],
    ['<a x=1/>', /unquoted/],
    ['<a x="<"/>', /inside attribute/],
    ['<a/><b/>', /second root/],
    ['<a x="1" x="2"/>', /duplicate/],
    ['<a>ok</a>>', /stray >|outside/],
  ])('rejects %s', (xml, why) => {
    expect(xmlProblem(xml)).toMatch(why);
  });
});

describe('SVG builders', () => {
  it('svgDocument and textEl escape titles and text', () => {
    const doc = svgDocument(100, 50, textEl(1, 2, XSS), XSS);
    expect(xmlProblem(doc)).toBeNull();
    expect(doc).not.toContain('<img');
    expect(doc).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });
  it('legend is well-formed with decade ticks for log', () => {
    const g = legendSvg({ scheme: 'viridis', mode: 'log', domain: [1e-3, 1] }, 10, 10, 100, 'weight');
    expect(xmlProblem(`<svg>${g}</svg>`)).toBeNull();
    for (const label of ['1e-3', '0.01', '0.1', '1']) expect(g).toContain(`>${label}</text>`);
  });
});

describe('heatmapToSvg', () => {
  const n = 6;
  const tokens = ['P', 'r', XSS, 'a', ' ', 'b'];
  const spec = { scheme: 'cividis' as const, mode: 'linear' as const, domain: [0, 1] as [number, number] };
  it('small map: one rect per causal cell with the scale colour, escaped token labels, well-formed', () => {
    const map = tri(n);
    const svg = heatmapToSvg({ map, n, tokens, promptLength: 2, spec, title: `Head 0 ${XSS}` });
    expect(xmlProblem(svg)).toBeNull();
    expect(svg).not.toContain('<img');
    const cells = svg.match(/<rect x="[^"]*" y="[^"]*" width="[^"]*" height="[^"]*" fill="rgb[^"]*"\/>/g) ?? [];
    expect(cells.length).toBe((n * (n + 1)) / 2); // 21 causal cells
    // Cell (t=1, s=0) has weight 1/2.
    const cell = 480 / n;
    expect(svg).toContain(
      `<rect x="0" y="${cell}" width="${cell + 0.02}" height="${cell + 0.02}" fill="${colorOf(spec)(0.5)}"/>`,
    );
    expect(svg).toContain('&lt;img src=x o'); // truncated token label, escaped
    expect(svg).toContain('>␣</text>'); // space token made visible
    expect(svg).not.toContain('<image');
    expect(svg).toContain('stroke-dasharray="4 3"'); // prompt | response boundary
  });
  it('a window larger than the rect limit embeds the given raster and labels positions', () => {
    const big = RECT_LIMIT + 10;
    const map = tri(big);
    const toks = Array.from({ length: big }, (_, i) => `t${i}`);
    expect(() => heatmapToSvg({ map, n: big, tokens: toks, promptLength: 10, spec })).toThrow(/needs a raster/);
    const svg = heatmapToSvg({
      map,
      n: big,
      tokens: toks,
      promptLength: 10,
      spec,
      imageHref: 'data:image/png;base64,AAAA',
    });
    expect(xmlProblem(svg)).toBeNull();
    expect(svg).toContain('href="data:image/png;base64,AAAA"');
    expect(svg).toMatch(/>100<\/text>/);
  });
  it('a window picks its rows and columns and validates bounds', () => {
    const map = tri(200);
    const toks = Array.from({ length: 200 }, (_, i) => `w${i}`);
    expect(usesRects([150, 159], [100, 109])).toBe(true);
    const svg = heatmapToSvg({ map, n: 200, tokens: toks, promptLength: 5, spec, rows: [150, 159], cols: [100, 109] });
    expect(xmlProblem(svg)).toBeNull();
    expect(svg).toContain('>w150</text>');
    expect(svg).toContain('>w109</text>');
    expect(svg).not.toContain('>w160</text>');
    const cells = svg.match(/<rect x="[^"]*" y="[^"]*" width="[^"]*" height="[^"]*" fill="rgb[^"]*"\/>/g) ?? [];
    expect(cells.length).toBe(100); // every cell is causal (t ≥ 150 > s)
    expect(() => heatmapToSvg({ map, n: 200, tokens: toks, promptLength: 5, spec, rows: [190, 200] })).toThrow(
      /outside/,
    );
  });
});
