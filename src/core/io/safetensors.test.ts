import { describe, expect, it } from 'vitest';
import { isInputError } from '../errors';
import {
  bf16BitsToFloat32,
  encodeSafetensorsChunks,
  f16BitsToFloat32,
  float32ToBF16Bits,
  float32ToF16Bits,
  parseSafetensors,
  writeSafetensors,
} from './safetensors';

/** Builds a safetensors file from a raw header object (or raw header text) and raw data bytes. */
function rawFile(header: unknown, data: Uint8Array = new Uint8Array(0), headerLenOverride?: number): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setUint32(0, headerLenOverride ?? json.length, true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

function halfFile(dtype: 'F16' | 'BF16', bits: number[], name = 't'): Uint8Array {
  const data = new Uint8Array(new Uint16Array(bits).buffer);
  return rawFile({ [name]: { dtype, shape: [bits.length], data_offsets: [0, data.length] } }, data);
}

function expectInputError(fn: () => unknown, ...parts: string[]) {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(isInputError(err), `expected an InputError, got ${String(err)}`).toBe(true);
  for (const p of parts) expect((err as Error).message).toContain(p);
}

describe('writeSafetensors / parseSafetensors', () => {
  it('round-trips F32 tensors, shapes and metadata; header padded to 8 bytes with spaces', () => {
    const a = new Float32Array([1, -2.5, 3e-8, 1e30, -0, 7]);
    const b = new Float32Array([42]);
    const bytes = writeSafetensors(
      [
        { name: 'a', shape: [2, 3], data: a },
        { name: 'b.scalar', shape: [], data: b },
        { name: 'empty', shape: [0, 4], data: new Float32Array(0) },
      ],
      { note: 'hi', n: '3' },
    );
    const headerLen = new DataView(bytes.buffer).getUint32(0, true);
    expect(headerLen % 8).toBe(0);
    expect(bytes[8 + headerLen - 1] === 0x20 || bytes[8 + headerLen - 1] === 0x7d).toBe(true); // ' ' or '}'
    const src = parseSafetensors(bytes, 'x.safetensors');
    expect(src.names).toEqual(['a', 'b.scalar', 'empty']);
    expect(src.metadata).toEqual({ note: 'hi', n: '3' });
    expect(src.info('a')).toEqual({ name: 'a', dtype: 'F32', shape: [2, 3] });
    expect(src.info('missing')).toBeUndefined();
    expect(Array.from(src.getFloat32('a'))).toEqual(Array.from(a));
    expect(Array.from(src.getFloat32('b.scalar'))).toEqual([42]);
    expect(src.getFloat32('empty').length).toBe(0);
    // A fresh copy: mutating it does not change the file.
    src.getFloat32('a')[0] = 99;
    expect(src.getFloat32('a')[0]).toBe(1);
  });

  it('readFloat32 is a zero-copy view for aligned F32; chunks concatenate to the written file', () => {
    const tensors = [
      { name: 'x', shape: [3], data: new Float32Array([1, 2, 3]) },
      { name: 'y', shape: [1], data: new Float32Array([5]) },
    ];
    const bytes = writeSafetensors(tensors, { m: '1' });
    const chunks = encodeSafetensorsChunks(tensors, { m: '1' });
    expect(chunks.length).toBe(3);
    const joined = new Uint8Array(bytes.length);
    let pos = 0;
    for (const c of chunks) (joined.set(c, pos), (pos += c.length));
    expect(pos).toBe(bytes.length);
    expect(joined).toEqual(bytes);
    const src = parseSafetensors(bytes, 'v');
    const view = src.readFloat32('x');
    expect(Array.from(view)).toEqual([1, 2, 3]);
    expect(view.buffer).toBe(bytes.buffer);
  });

  it('reads from a subarray at an unaligned offset', () => {
    const bytes = writeSafetensors([{ name: 'w', shape: [3], data: new Float32Array([1, 2, 3]) }]);
    const big = new Uint8Array(bytes.length + 3);
    big.set(bytes, 3);
    const src = parseSafetensors(big.subarray(3), 'u');
    expect(Array.from(src.getFloat32('w'))).toEqual([1, 2, 3]);
    expect(Array.from(src.readFloat32('w'))).toEqual([1, 2, 3]); // unaligned: decoded copy
  });

  it('rejects an unknown tensor name in getFloat32', () => {
    const src = parseSafetensors(writeSafetensors([]), 'e.safetensors');
    expectInputError(() => src.getFloat32('nope'), 'e.safetensors', 'nope');
  });
});

describe('F16 and BF16 decoding', () => {
  it('decodes known F16 bit patterns', () => {
    const src = parseSafetensors(
      halfFile('F16', [0x3c00, 0xc000, 0x7bff, 0x0001, 0x7c00, 0xfc00, 0x7e00, 0x0000, 0x8000, 0x3555, 0x0400]),
      'h.safetensors',
    );
    const v = src.getFloat32('t');
    expect(src.info('t')!.dtype).toBe('F16');
    expect(v[0]).toBe(1);
    expect(v[1]).toBe(-2);
    expect(v[2]).toBe(65504);
    expect(v[3]).toBe(2 ** -24);
    expect(v[4]).toBe(Infinity);
    expect(v[5]).toBe(-Infinity);
    expect(Number.isNaN(v[6])).toBe(true);
    expect(v[7]).toBe(0);
    expect(Object.is(v[8], -0)).toBe(true);
    expect(v[9]).toBe(0.333251953125); // 0x3555 = 1.33301 * 2^-2
    expect(v[10]).toBe(2 ** -14); // smallest normal
  });

  it('decodes known BF16 bit patterns', () => {
    const src = parseSafetensors(halfFile('BF16', [0x3f80, 0xc049, 0x7f80, 0xff80, 0x7fc0, 0x0000, 0x4049]), 'b');
    const v = src.getFloat32('t');
    expect(v[0]).toBe(1);
    expect(v[1]).toBe(-3.140625); // upper half of 0xC0490FDB (-pi)
    expect(v[2]).toBe(Infinity);
    expect(v[3]).toBe(-Infinity);
    expect(Number.isNaN(v[4])).toBe(true);
    expect(v[5]).toBe(0);
    expect(v[6]).toBe(3.140625);
  });

  it('encodes float32 -> F16 with round-to-nearest-even, subnormals, overflow and NaN', () => {
    expect(float32ToF16Bits(1)).toBe(0x3c00);
    expect(float32ToF16Bits(-2)).toBe(0xc000);
    expect(float32ToF16Bits(65504)).toBe(0x7bff);
    expect(float32ToF16Bits(65520)).toBe(0x7c00); // halfway to the next binade rounds up to Inf
    expect(float32ToF16Bits(65519)).toBe(0x7bff);
    expect(float32ToF16Bits(1e6)).toBe(0x7c00);
    expect(float32ToF16Bits(-Infinity)).toBe(0xfc00);
    expect(f16BitsToFloat32(float32ToF16Bits(NaN))).toBeNaN();
    expect(float32ToF16Bits(2 ** -24)).toBe(0x0001);
    expect(float32ToF16Bits(2 ** -25)).toBe(0x0000); // tie -> even (0)
    expect(float32ToF16Bits(1.5 * 2 ** -25)).toBe(0x0001);
    expect(float32ToF16Bits(3 * 2 ** -25)).toBe(0x0002); // 1.5 ulp tie -> even (2)
    expect(float32ToF16Bits(2 ** -14)).toBe(0x0400);
    expect(float32ToF16Bits(2 ** -14 - 2 ** -26)).toBe(0x0400); // rounds up into the normal range
    expect(float32ToF16Bits(1 + 2 ** -11)).toBe(0x3c00); // tie -> even
    expect(float32ToF16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02); // tie -> even (up)
    expect(float32ToF16Bits(1 + 2 ** -11 + 2 ** -20)).toBe(0x3c01); // above the tie
    expect(float32ToF16Bits(-0)).toBe(0x8000);
  });

  it('encodes float32 -> BF16 with round-to-nearest-even', () => {
    expect(float32ToBF16Bits(1)).toBe(0x3f80);
    expect(float32ToBF16Bits(-Math.PI)).toBe(0xc049); // 0xC0490FDB: lower half 0x0FDB < 0x8000 rounds down
    expect(float32ToBF16Bits(Math.PI)).toBe(0x4049);
    expect(bf16BitsToFloat32(0x3f81)).toBe(1 + 2 ** -7);
    expect(float32ToBF16Bits(1 + 2 ** -8)).toBe(0x3f80); // tie -> even
    expect(float32ToBF16Bits(1 + 3 * 2 ** -8)).toBe(0x3f82); // tie -> even (up)
    expect(float32ToBF16Bits(Infinity)).toBe(0x7f80);
    expect(Number.isNaN(bf16BitsToFloat32(float32ToBF16Bits(NaN)))).toBe(true);
  });

  it('round-trips every F16 value and random data through encode/decode', () => {
    const mismatches: number[] = [];
    for (let h = 0; h < 65536; h++) {
      const f = f16BitsToFloat32(h);
      if (!Number.isNaN(f) && float32ToF16Bits(f) !== h) mismatches.push(h);
    }
    expect(mismatches).toEqual([]);
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32 - 0.5) * 8;
    const values = Array.from({ length: 200 }, rnd);
    const f16 = parseSafetensors(halfFile('F16', values.map(float32ToF16Bits)), 'r16').getFloat32('t');
    const bf16 = parseSafetensors(halfFile('BF16', values.map(float32ToBF16Bits)), 'rbf').getFloat32('t');
    values.forEach((x, i) => {
      expect(Math.abs(f16[i] - x)).toBeLessThanOrEqual(Math.abs(x) * 2 ** -11 + 2 ** -25);
      expect(Math.abs(bf16[i] - x)).toBeLessThanOrEqual(Math.abs(x) * 2 ** -8);
    });
  });
});

describe('parseSafetensors rejects bad input, naming file and field', () => {
  const F = 'bad.safetensors';
  const four = new Uint8Array(4);
  it('file shorter than 8 bytes', () =>
    expectInputError(() => parseSafetensors(new Uint8Array(5), F), F, 'header length', '5 bytes'));
  it('header length past end of file', () =>
    expectInputError(() => parseSafetensors(rawFile({}, new Uint8Array(0), 1000), F), F, 'header length', '1000'));
  it('header length with high bits set', () => {
    const b = rawFile({});
    new DataView(b.buffer).setUint32(4, 1, true);
    expectInputError(() => parseSafetensors(b, F), F, 'header length');
  });
  it('header not UTF-8', () => {
    const b = rawFile('{"a":1}');
    b[10] = 0xff;
    expectInputError(() => parseSafetensors(b, F), F, 'header', 'UTF-8');
  });
  it('header not JSON', () => expectInputError(() => parseSafetensors(rawFile('{"a": '), F), F, 'header', 'JSON'));
  it('header not an object', () =>
    expectInputError(() => parseSafetensors(rawFile('[1,2]'), F), F, 'header', 'object'));
  it('tensor entry not an object', () => expectInputError(() => parseSafetensors(rawFile({ w: 3 }), F), F, '"w"'));
  it('missing dtype', () =>
    expectInputError(
      () => parseSafetensors(rawFile({ w: { shape: [1], data_offsets: [0, 4] } }, four), F),
      F,
      '"w"',
      'dtype',
    ));
  it('missing shape', () =>
    expectInputError(
      () => parseSafetensors(rawFile({ w: { dtype: 'F32', data_offsets: [0, 4] } }, four), F),
      F,
      '"w"',
      'shape',
    ));
  it('missing data_offsets', () =>
    expectInputError(
      () => parseSafetensors(rawFile({ w: { dtype: 'F32', shape: [1] } }, four), F),
      F,
      '"w"',
      'data_offsets',
    ));
  it('dtype of wrong type', () =>
    expectInputError(
      () => parseSafetensors(rawFile({ w: { dtype: 4, shape: [1], data_offsets: [0, 4] } }, four), F),
      F,
      '"w"',
      'dtype',
    ));
  it('shape of wrong type', () =>
    expectInputError(
      () => parseSafetensors(rawFile({ w: { dtype: 'F32', shape: [1.5], data_offsets: [0, 4] } }, four), F),
      F,
      '"w"',
      'shape',
    ));
  it('data_offsets of wrong type', () =>
    expectInputError(
      () => parseSafetensors(rawFile({ w: { dtype: 'F32', shape: [1], data_offsets: ['0', 4] } }, four), F),
      F,
      '"w"',
      'data_offsets',
    ));
  it('unknown dtype', () =>
    expectInputError(
      () => parseSafetensors(rawFile({ w: { dtype: 'Q4', shape: [1], data_offsets: [0, 4] } }, four), F),
      F,
      '"w"',
      'Q4',
    ));
  it('offsets out of range', () =>
    expectInputError(
      () => parseSafetensors(rawFile({ w: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, four), F),
      F,
      '"w"',
      'past the data section',
    ));
  it('begin > end', () =>
    expectInputError(
      () => parseSafetensors(rawFile({ w: { dtype: 'F32', shape: [1], data_offsets: [4, 0] } }, four), F),
      F,
      '"w"',
      'begin 4 > end 0',
    ));
  it('overlapping tensors', () => {
    const h = {
      a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
      b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] },
    };
    expectInputError(() => parseSafetensors(rawFile(h, new Uint8Array(12)), F), F, '"b"', 'overlaps tensor "a"');
  });
  it('byte length != product(shape) x dtype size', () =>
    expectInputError(
      () => parseSafetensors(rawFile({ w: { dtype: 'F16', shape: [3], data_offsets: [0, 4] } }, four), F),
      F,
      '"w"',
      'byte length 4 != 6',
    ));
  it('__metadata__ values not strings', () =>
    expectInputError(() => parseSafetensors(rawFile({ __metadata__: { n: 3 } }), F), F, '__metadata__.n', 'string'));
  it('__metadata__ not an object', () =>
    expectInputError(() => parseSafetensors(rawFile({ __metadata__: 'x' }), F), F, '__metadata__'));
});
