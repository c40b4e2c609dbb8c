import { describe, expect, it } from 'vitest';
import { csvField, toCsv, toJsonl, toVerl } from './writers';
import type { AnalysisRecord } from './record';
import { recordOptions } from './record';
import { resolveOptions } from './options';

function record(tokens: string[], p: number): AnalysisRecord {
  const r = tokens.length - p;
  const arr = (f: (i: number) => number) => Array.from({ length: r }, (_, i) => f(i));
  return {
    prompt_length: p,
    tokens,
    token_ids: tokens.map((_, i) => 10 + i),
    layers: [0],
    heads: { local: [[0, 0]], global: [[0, 0]], span: [[0, 0, 1.5]] },
    waad: arr((i) => i + 0.5),
    fai: arr((i) => i / 10),
    delta: arr(() => 1),
    preplan: arr((i) => i % 2).map(Boolean),
    anchor: arr((i) => (i === 0 ? 1 : 0)).map(Boolean),
    dominated: arr(() => 0).map(Boolean),
    intro: arr(() => 0).map(Boolean),
    gamma: {
      uniform: arr(() => 1),
      local_chunk: arr(() => 1.5),
      global_anchor: arr(() => 1),
      coupled: arr(() => 1),
      random: arr(() => 1),
    },
    options: recordOptions(resolveOptions({ H_hi: Infinity })),
    tau_waad: 1,
    tau_delta: 1,
    linkage: { k: 3, anchors: 1, anchors_near_preplan: 0, anchor_preplan_share: 0 },
    num_layers: 1,
    num_heads: 1,
  };
}

describe('writers', () => {
  const recs = [record(['a', 'b', 'say "hi", ok', 'x\ny'], 2), record(['p', ' q'], 1)];

  it('CSV quotes quotes, commas, newlines and edge spaces', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('say "hi", ok')).toBe('"say ""hi"", ok"');
    expect(csvField('x\ny')).toBe('"x\ny"');
    expect(csvField(' q')).toBe('" q"');
    expect(csvField(undefined)).toBe('');
  });

  it('CSV: one row per response token with γ columns', () => {
    const csv = toCsv(recs);
    const lines = csv.split('\n');
    expect(lines[0]).toBe(
      'sequence,position,response_index,token,token_id,waad,fai,delta,preplan,anchor,dominated,intro,entropy,' +
        'gamma_uniform,gamma_local_chunk,gamma_global_anchor,gamma_coupled,gamma_random',
    );
    expect(lines[1]).toBe('0,2,0,"say ""hi"", ok",12,0.5,0,1,0,1,0,0,,1,1.5,1,1,1');
    // the token "x\ny" spans two physical lines inside its quotes
    expect(lines[2]).toBe('0,3,1,"x');
    expect(lines[3]).toBe('y",13,1.5,0.1,1,1,0,0,0,,1,1.5,1,1,1');
    expect(lines[4]).toBe('1,1,0," q",11,0.5,0,1,0,1,0,0,,1,1.5,1,1,1');
    expect(csv.endsWith('\n')).toBe(true);
  });

  it('JSONL: one parseable record per line, Infinity as a string', () => {
    const lines = toJsonl(recs).trimEnd().split('\n');
    expect(lines.length).toBe(2);
    const back = JSON.parse(lines[0]);
    expect(back.tokens[3]).toBe('x\ny');
    expect(back.options.H_hi).toBe('Infinity');
  });

  it('verl: per-response arrays of response length', () => {
    const withAdv = { ...recs[0], reward: 1, advantage: 0.5, shaped_advantage: { uniform: [0.5, 0.5] } };
    const lines = toVerl([withAdv, recs[1]])
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines[0]).toEqual({
      index: 0,
      prompt_length: 2,
      response_length: 2,
      token_ids: [12, 13],
      gamma: recs[0].gamma,
      reward: 1,
      advantage: 0.5,
      shaped_advantage: { uniform: [0.5, 0.5] },
    });
    expect(lines[1]).toMatchObject({ index: 1, response_length: 1, token_ids: [11] });
    expect(lines[1].gamma.uniform).toEqual([1]);
  });
});
