import { describe, expect, it } from 'vitest';
import { logLine } from './testLines';
import { xmlProblem } from '../figures/xml-check';
import { STRATEGY_COLORS } from '../theme/palette';
import { trainFigureSvg } from './figure';
import type { RunData } from './series';

const line = logLine;

const runs: RunData[] = [
  {
    key: 'uniform-s0',
    strategy: 'uniform',
    seed: 0,
    lines: [line(1), line(2), line(3, { heldout_accuracy: 0.5 })],
    initialAccuracy: 0.25,
  },
  { key: 'coupled-s1', strategy: 'coupled', seed: 1, lines: [line(1), line(2)] },
];

describe('trainFigureSvg', () => {
  it('one well-formed figure: title, five panels with axis labels, one line per run, legend, white background', () => {
    const svg = trainFigureSvg(runs, 'rhythm-mini <GRPO> comparison');
    expect(xmlProblem(svg)).toBeNull();
    expect(svg).toMatch(/<svg [^>]*width="1020" height="520"/);
    expect(svg).toContain('fill="#ffffff"');
    expect(svg).toContain('rhythm-mini &lt;GRPO&gt; comparison');
    expect(svg.match(/<g data-metric=/g)).toHaveLength(5);
    for (const t of ['Mean reward', 'Held-out accuracy', 'Response length', 'Entropy', 'Clip fraction', 'nats / token'])
      expect(svg).toContain(`>${t}<`);
    // 5 panels × 2 runs (held-out: the coupled run has no evaluated point → no line there).
    expect(svg.match(/<polyline /g)).toHaveLength(9);
    // The later run is drawn thinner on top of the earlier one (identical runs stay visible).
    expect(svg).toContain(`stroke="${STRATEGY_COLORS.uniform}" stroke-width="3.8"/>`);
    expect(svg).toContain(`stroke="${STRATEGY_COLORS.coupled}" stroke-width="1.8" stroke-dasharray="6 3"`);
    expect(svg).toContain('>uniform · seed 0<');
    expect(svg).toContain('>coupled · seed 1<');
    // Held-out accuracy has the starting model's point at step 0 and the step-3 point: 2 circles.
    const heldout = svg.split('<g data-metric="heldout">')[1].split('</g>')[0];
    expect(heldout.match(/<circle /g)).toHaveLength(2);
  });

  it('no runs: panels say no data, still well-formed', () => {
    const svg = trainFigureSvg([], 'empty');
    expect(xmlProblem(svg)).toBeNull();
    expect(svg.match(/>no data</g)).toHaveLength(5);
  });
});
