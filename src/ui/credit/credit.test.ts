import { csvParse } from 'd3';
import { describe, expect, it } from 'vitest';
import { smallRecord } from '../tokens/testRecord';
import {
  creditRows,
  distinctGammas,
  gammaDomain,
  gammaColor,
  GAMMA_NEUTRAL,
  roleSummary,
  thresholdSummary,
} from './creditModel';
import { creditExport, safeBaseName } from './exports';

describe('credit model', () => {
  it('one row per strategy the record has, with counts and means by hand', () => {
    const rows = creditRows(smallRecord());
    expect(rows.map((r) => r.strategy)).toEqual([
      'uniform',
      'local_chunk',
      'global_anchor',
      'coupled',
      'random',
      'high_entropy',
    ]);
    const coupled = rows.find((r) => r.strategy === 'coupled')!;
    expect(coupled.changed).toBe(3); // 1.5, 1.25, 1.25, 1
    expect(coupled.mean).toBe(5 / 4); // (1.5 + 1.25 + 1.25 + 1) / 4
    expect(rows[0]).toMatchObject({ label: 'uniform (GRPO)', changed: 0, mean: 1 });
    expect(creditRows(smallRecord(false)).map((r) => r.strategy)).not.toContain('high_entropy');
  });

  it('role counts with shares of the response', () => {
    expect(roleSummary(smallRecord()).map((s) => [s.label, s.value])).toEqual([
      ['|T_loc|', '2 (50%)'],
      ['|T_glob|', '2 (50%)'],
      ['|D|', '1 (25%)'],
      ['|I(D)|', '1 (25%)'],
    ]);
  });

  it('thresholds, linkage, entropy split and advantage', () => {
    const rec = {
      ...smallRecord(),
      linkage: {
        k: 3,
        anchors_near_preplan: 1,
        anchors: 2,
        anchor_preplan_share: 0.5,
        entropy_preplan: 1.5,
        entropy_other: 3.5,
      },
      advantage: -0.5,
      reward: 0,
    };
    expect(thresholdSummary(rec).map((s) => [s.label, s.value])).toEqual([
      ['τ_waad', '0.75'],
      ['τ_Δ', '1.5'],
      ['anchors with a preplan token ≤ 3 before', '1 / 2 (50%)'],
      ['entropy: preplan / other', '1.5 / 3.5'],
      ['GRPO Â', '-0.5'],
    ]);
    expect(thresholdSummary(smallRecord()).map((s) => s.label)).toHaveLength(3);
  });
});

describe('γ colours', () => {
  const ramp = (t: number) => `t=${t.toFixed(6)}`;
  it('neutral at γ ≤ 1, light-to-dark above: 1.25 of [1, 1.5] → 0.85 − 0.8·0.5', () => {
    expect(gammaColor(1, [1, 1.5], ramp)).toBe(GAMMA_NEUTRAL);
    expect(gammaColor(0.9, [1, 1.5], ramp)).toBe(GAMMA_NEUTRAL);
    expect(gammaColor(1.25, [1, 1.5], ramp)).toBe('t=0.450000');
    expect(gammaColor(1.5, [1, 1.5], ramp)).toBe('t=0.050000');
    expect(gammaColor(9, [1, 1.5], ramp)).toBe('t=0.050000');
    expect(gammaColor(NaN, [1, 1.5], ramp)).toBe('transparent');
  });
  it('γ domain spans every strategy: [1, max(γ_amp, largest γ)]', () => {
    const r = smallRecord();
    expect(gammaDomain(r)).toEqual([1, 1.5]);
    expect(gammaDomain({ ...r, gamma: { ...r.gamma, coupled: [1.75, 1, 1, 1] } })).toEqual([1, 1.75]);
    expect(
      gammaDomain({
        ...r,
        options: { ...r.options, gamma_amp: 1 },
        gamma: {
          ...r.gamma,
          local_chunk: [1, 1, 1, 1],
          global_anchor: [1, 1, 1, 1],
          coupled: [1, 1, 1, 1],
          random: [1, 1, 1, 1],
          high_entropy: [1, 1, 1, 1],
        },
      }),
    ).toEqual([1, 1.5]);
  });

  it('lists few distinct γ values, else asks for a gradient', () => {
    expect(distinctGammas(smallRecord())).toEqual([1, 1.25, 1.5]);
    expect(distinctGammas(smallRecord(), 2)).toBeNull();
  });
});

describe('credit exports', () => {
  const recs = [smallRecord()];
  // Equality with the CLI's output files: exports-cli.test.ts (runs `rhythmscope analyze`).
  it('parse back: JSON record, CSV rows with the quoted token, verl γ arrays', () => {
    const json = JSON.parse(creditExport(recs, 'json').text.trim());
    expect(json.gamma.coupled).toEqual([1.5, 1.25, 1.25, 1]);
    expect(json.tokens[5]).toBe('<img src=x onerror=alert(1)>');
    const text = creditExport(recs, 'csv').text;
    expect(text.split('\n')[1].startsWith('0,2,0," a",12,')).toBe(true); // leading space → quoted
    const rows = csvParse(text);
    expect(rows.columns.slice(0, 4)).toEqual(['sequence', 'position', 'response_index', 'token']);
    expect(rows.map((r) => r.token)).toEqual([' a', '\n', 'b,"c"', '<img src=x onerror=alert(1)>']);
    expect(rows.map((r) => Number(r.gamma_coupled))).toEqual([1.5, 1.25, 1.25, 1]);
    const verl = JSON.parse(creditExport(recs, 'verl').text.trim());
    expect(verl).toMatchObject({ index: 0, prompt_length: 2, response_length: 4, token_ids: [12, 13, 14, 15] });
  });
  it('name files safely with the right extension and type', () => {
    expect(creditExport(recs, 'json', 'tiny random').filename).toBe('tiny-random-credits.jsonl');
    expect(creditExport(recs, 'csv')).toMatchObject({ filename: 'rhythmscope-credits.csv', mime: 'text/csv' });
    expect(creditExport(recs, 'verl', 'm').filename).toBe('m-credits.verl.jsonl');
    expect(safeBaseName('../../etc/passwd')).toBe('etc-passwd');
    expect(safeBaseName('')).toBe('rhythmscope');
  });
});
