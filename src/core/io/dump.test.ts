import { describe, expect, it } from 'vitest';
import { isInputError } from '../errors';
import { encodeAttentionDumpHeader, parseAttentionDump, writeAttentionDump, type AttentionDump } from './dump';
import { float32ToBF16Bits, float32ToF16Bits, parseSafetensors, writeSafetensors } from './safetensors';

/** Random causal row-stochastic maps [H, N, N] (deterministic LCG). */
function causalMaps(H: number, N: number, seed = 1): Float32Array {
  let s = seed;
  const rnd = () => (s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32;
  const a = new Float32Array(H * N * N);
  for (let h = 0; h < H; h++) {
    for (let t = 0; t < N; t++) {
      const row = (h * N + t) * N;
      let sum = 0;
      for (let j = 0; j <= t; j++) sum += a[row + j] = rnd() + 0.01;
      for (let j = 0; j <= t; j++) a[row + j] /= sum;
    }
  }
  return a;
}

type DumpInput = Parameters<typeof writeAttentionDump>[0];

function baseDump(H = 2, N = 5, layers = [0, 1, 2]): DumpInput {
  return {
    numHeads: H,
    seqLen: N,
    layerIndices: layers,
    numLayers: 3,
    tokens: Array.from({ length: N }, (_, i) => `t${i}`),
    tokenIds: Array.from({ length: N }, (_, i) => i + 10),
    promptLength: 2,
    model: 'tiny',
    layers: new Map(layers.map((l) => [l, causalMaps(H, N, l + 1)])),
    logits: { data: new Float32Array(N * 7).map((_, i) => i * 0.1 - 1), vocabSize: 7 },
  };
}

/** Re-encodes a written F32 dump with some tensors' data mutated and/or metadata replaced, optionally as F16/BF16. */
function rewrite(
  d: DumpInput,
  opts: {
    meta?: Record<string, string | undefined>;
    dtype?: 'F16' | 'BF16';
    extra?: { name: string; shape: number[]; data: Float32Array };
  } = {},
): Uint8Array {
  const src = parseSafetensors(writeAttentionDump(d), 'in');
  const metadata: Record<string, string> = { ...src.metadata };
  for (const [k, v] of Object.entries(opts.meta ?? {})) {
    if (v === undefined) delete metadata[k];
    else metadata[k] = v;
  }
  const tensors = src.names.map((name) => ({ name, shape: src.info(name)!.shape, data: src.getFloat32(name) }));
  if (opts.extra) tensors.push(opts.extra);
  const header: Record<string, unknown> = { __metadata__: metadata };
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const t of tensors) {
    const half = opts.dtype && t.name.startsWith('attn.');
    const enc = opts.dtype === 'F16' ? float32ToF16Bits : float32ToBF16Bits;
    const bytes = half
      ? new Uint8Array(Uint16Array.from(t.data, (x) => enc(x)).buffer)
      : new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    header[t.name] = {
      dtype: half ? opts.dtype : 'F32',
      shape: t.shape,
      data_offsets: [offset, offset + bytes.length],
    };
    chunks.push(bytes);
    offset += bytes.length;
  }
  const json = new TextEncoder().encode(
    JSON.stringify(header).padEnd(Math.ceil(JSON.stringify(header).length / 8) * 8),
  );
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 8);
  let pos = 8 + json.length;
  for (const c of chunks) (out.set(c, pos), (pos += c.length));
  return out;
}

function expectDumpError(bytes: Uint8Array, ...parts: string[]) {
  let err: unknown;
  try {
    parseAttentionDump(bytes, 'd.safetensors');
  } catch (e) {
    err = e;
  }
  expect(isInputError(err), `expected an InputError, got ${String(err)}`).toBe(true);
  for (const p of [...parts, 'd.safetensors']) expect((err as Error).message).toContain(p);
}

function mutateLayer(d: DumpInput, l: number, f: (a: Float32Array) => void): DumpInput {
  const layers = new Map(d.layers);
  const a = layers.get(l)!.slice();
  f(a);
  layers.set(l, a);
  return { ...d, layers };
}

describe('attention dump round trip', () => {
  it('writes and parses back every field', () => {
    const d = baseDump();
    const dump: AttentionDump = parseAttentionDump(writeAttentionDump(d), 'd.safetensors');
    expect(dump.fileName).toBe('d.safetensors');
    expect([dump.numHeads, dump.seqLen, dump.numLayers, dump.promptLength]).toEqual([2, 5, 3, 2]);
    expect(dump.layerIndices).toEqual([0, 1, 2]);
    expect(dump.tokens).toEqual(d.tokens);
    expect(dump.tokenIds).toEqual(d.tokenIds);
    expect(dump.model).toBe('tiny');
    expect(Array.from(dump.layer(1))).toEqual(Array.from(d.layers.get(1)!));
    expect(dump.logits!.vocabSize).toBe(7);
    expect(Array.from(dump.logits!.data)).toEqual(Array.from(d.logits!.data));
    expect(() => dump.layer(7)).toThrow(/no layer 7/);
  });

  it('optional fields may be absent; num_layers defaults to the count of attn tensors', () => {
    const d = { ...baseDump(1, 3, [0, 1]), tokenIds: undefined, model: undefined, logits: undefined };
    const dump = parseAttentionDump(rewrite(d, { meta: { num_layers: undefined } }), 'x');
    expect(dump.numLayers).toBe(2);
    expect(dump.tokenIds).toBeUndefined();
    expect(dump.model).toBeUndefined();
    expect(dump.logits).toBeUndefined();
  });

  it('reads F16 and BF16 dumps within their tolerance', () => {
    const d = baseDump(2, 40);
    for (const dtype of ['F16', 'BF16'] as const) {
      const dump = parseAttentionDump(rewrite(d, { dtype }), dtype);
      const a = dump.layer(2);
      const ref = d.layers.get(2)!;
      for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - ref[i])).toBeLessThan(dtype === 'F16' ? 1e-3 : 4e-3);
    }
  });
});

describe('parseAttentionDump rejects bad dumps, naming file, field, layer and row', () => {
  const d = baseDump();
  it('no attention tensors', () =>
    expectDumpError(
      writeSafetensors([{ name: 'logits', shape: [1, 2], data: new Float32Array(2) }], {
        tokens: '["a"]',
        prompt_length: '0',
      }),
      'no attention tensors',
    ));
  it('a malformed attn name', () =>
    expectDumpError(rewrite(d, { extra: { name: 'attn.L01', shape: [1], data: new Float32Array(1) } }), 'attn.L01'));
  it('shape not [H, N, N]', () =>
    expectDumpError(
      rewrite(d, { extra: { name: 'attn.L5', shape: [2, 5, 4], data: new Float32Array(40) } }),
      'attn.L5',
      '[2, 5, 4]',
    ));
  it('different H across layers', () =>
    expectDumpError(
      rewrite({ ...d, numLayers: 6 }, { extra: { name: 'attn.L5', shape: [1, 5, 5], data: causalMaps(1, 5) } }),
      'attn.L5',
      'differs',
    ));
  it('tokens missing', () => expectDumpError(rewrite(d, { meta: { tokens: undefined } }), 'tokens', 'missing'));
  it('tokens not JSON', () => expectDumpError(rewrite(d, { meta: { tokens: '[' } }), 'tokens', 'JSON'));
  it('tokens not strings', () => expectDumpError(rewrite(d, { meta: { tokens: '[1,2,3,4,5]' } }), 'tokens', 'strings'));
  it('tokens wrong length', () => expectDumpError(rewrite(d, { meta: { tokens: '["a"]' } }), 'tokens', '1 entries'));
  it('prompt_length missing', () =>
    expectDumpError(rewrite(d, { meta: { prompt_length: undefined } }), 'prompt_length', 'missing'));
  it('prompt_length not an integer', () =>
    expectDumpError(rewrite(d, { meta: { prompt_length: '1.5' } }), 'prompt_length', '"1.5"'));
  it('prompt_length negative', () => expectDumpError(rewrite(d, { meta: { prompt_length: '-1' } }), 'prompt_length'));
  it('prompt_length >= N', () =>
    expectDumpError(rewrite(d, { meta: { prompt_length: '5' } }), 'prompt_length', 'N = 5'));
  it('token_ids wrong length', () =>
    expectDumpError(rewrite(d, { meta: { token_ids: '[1,2]' } }), 'token_ids', '2 entries'));
  it('token_ids not integers', () =>
    expectDumpError(rewrite(d, { meta: { token_ids: '[1,2,3,4,"x"]' } }), 'token_ids'));
  it('num_layers too small', () => expectDumpError(rewrite(d, { meta: { num_layers: '2' } }), 'num_layers', 'attn.L2'));
  it('num_layers not an integer', () => expectDumpError(rewrite(d, { meta: { num_layers: 'three' } }), 'num_layers'));
  it('a row that does not sum to 1', () =>
    expectDumpError(
      rewrite(mutateLayer(d, 1, (a) => (a[(1 * 5 + 3) * 5] += 0.05))),
      'attn.L1 row 3 sums to 1.05',
      'head 1',
    ));
  it('mass above the diagonal', () =>
    expectDumpError(
      rewrite(mutateLayer(d, 2, (a) => (a[2 * 5 + 4] = 0.01))),
      'attn.L2 row 2',
      'above the diagonal',
      'head 0',
    ));
  it('a negative entry', () =>
    expectDumpError(
      rewrite(mutateLayer(d, 0, (a) => ((a[4 * 5 + 1] += a[4 * 5] + 0.1), (a[4 * 5] = -0.1)))),
      'attn.L0 row 4',
      'negative',
    ));
  it('NaN', () =>
    expectDumpError(rewrite(mutateLayer(d, 0, (a) => (a[3 * 5 + 1] = NaN))), 'attn.L0 row 3', 'NaN at column 1'));
  it('Infinity above the diagonal', () =>
    expectDumpError(
      rewrite(mutateLayer(d, 0, (a) => (a[5 * 5 + 0 * 5 + 3] = Infinity))),
      'attn.L0 row 0',
      'Infinity at column 3',
      'head 1',
    ));
  it('logits of the wrong shape', () =>
    expectDumpError(
      rewrite({ ...d, logits: undefined }, { extra: { name: 'logits', shape: [4, 7], data: new Float32Array(28) } }),
      'logits',
      '[4, 7]',
    ));
  it('logits with NaN', () => {
    const data = d.logits!.data.slice();
    data[7 * 3 + 2] = NaN;
    expectDumpError(rewrite({ ...d, logits: { data, vocabSize: 7 } }), 'logits', 'row 3', 'column 2');
  });

  it('uses 1e-3 for F32 but 2e-2 for F16/BF16', () => {
    const off = (eps: number) => mutateLayer(d, 0, (a) => (a[(0 * 5 + 4) * 5] += eps));
    expect(() => parseAttentionDump(rewrite(off(5e-4)), 'ok')).not.toThrow();
    expectDumpError(rewrite(off(5e-3)), 'attn.L0 row 4 sums to');
    expect(() => parseAttentionDump(rewrite(off(5e-3), { dtype: 'F16' }), 'ok')).not.toThrow();
    expectDumpError(rewrite(off(5e-2), { dtype: 'BF16' }), 'attn.L0 row 4 sums to');
  });
});

describe('encodeAttentionDumpHeader', () => {
  it('header + layer bytes + logits bytes streamed in order equal writeAttentionDump', () => {
    const d = baseDump(2, 4, [0, 2]);
    const whole = writeAttentionDump(d);
    const head = encodeAttentionDumpHeader({ ...d, layerIndices: [2, 0], vocabSize: d.logits!.vocabSize });
    const parts = [head, ...[0, 2].map((l) => d.layers.get(l)!), d.logits!.data].map((x) =>
      x instanceof Float32Array ? new Uint8Array(x.buffer, x.byteOffset, x.byteLength) : x,
    );
    const joined = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let pos = 0;
    for (const p of parts) (joined.set(p, pos), (pos += p.length));
    expect(joined).toEqual(whole);
    expect(parseAttentionDump(joined, 'streamed').layerIndices).toEqual([0, 2]);
  });
});
