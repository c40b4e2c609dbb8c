/**
 * IEEE half (F16) and bfloat16 (BF16) <-> float32 conversion.
 * Decoding is exact (every F16/BF16 value is a float32); encoding rounds to nearest, ties to even.
 * Typed-array views assume a little-endian host, as every platform tfjs runs on is.
 */

const scratchF32 = new Float32Array(1);
const scratchU32 = new Uint32Array(scratchF32.buffer);

let f16Table: Float32Array | undefined;

/** All 65536 F16 values, built once: decoding a big dump is then one table lookup per element. */
function f16LookupTable(): Float32Array {
  if (f16Table) return f16Table;
  const t = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) t[h] = f16BitsToFloat32(h);
  f16Table = t;
  return t;
}

export function f16BitsToFloat32(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24; // zero or subnormal
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

export function bf16BitsToFloat32(h: number): number {
  scratchU32[0] = (h & 0xffff) << 16;
  return scratchF32[0];
}

/** Decodes into `out` from index `at` (default: a fresh array), so a big tensor can be decoded piece by piece. */
export function f16BitsToFloat32Array(
  halves: Uint16Array,
  out = new Float32Array(halves.length),
  at = 0,
): Float32Array {
  const table = f16LookupTable();
  for (let i = 0; i < halves.length; i++) out[at + i] = table[halves[i]];
  return out;
}

export function bf16BitsToFloat32Array(
  halves: Uint16Array,
  out = new Float32Array(halves.length),
  at = 0,
): Float32Array {
  const bits = new Uint32Array(out.buffer, out.byteOffset, out.length); // BF16 is the upper half of a float32
  for (let i = 0; i < halves.length; i++) bits[at + i] = halves[i] << 16;
  return out;
}

/** Rounds x right by `shift` bits, ties to even. */
function roundShift(x: number, shift: number): number {
  const kept = x >>> shift;
  const rem = x & ((1 << shift) - 1);
  const half = 1 << (shift - 1);
  return rem > half || (rem === half && kept & 1) ? kept + 1 : kept;
}

export function float32ToF16Bits(v: number): number {
  scratchF32[0] = v;
  const x = scratchU32[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  const mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0); // Inf, or a quiet NaN
  const e = exp - 127 + 15; // re-biased exponent
  if (e >= 0x1f) return sign | 0x7c00; // overflow -> Inf
  if (e <= 0) {
    // F16 subnormal: value = m * 2^-24, so m = (1.mant) * 2^(e-1+10) -> shift the 24-bit significand by 14 - e.
    if (e < -10) return sign; // below half the smallest subnormal: rounds to zero
    return sign | roundShift(mant | 0x800000, 14 - e); // a carry into 0x400 is the smallest normal, correctly
  }
  return sign | ((e << 10) + roundShift(mant, 13)); // a mantissa carry bumps the exponent (up to Inf)
}

export function float32ToBF16Bits(v: number): number {
  scratchF32[0] = v;
  const x = scratchU32[0];
  if ((x & 0x7f800000) === 0x7f800000 && x & 0x7fffff) return ((x >>> 16) & 0x8000) | 0x7fc0; // NaN stays NaN
  return ((x + 0x7fff + ((x >>> 16) & 1)) >>> 16) & 0xffff;
}
