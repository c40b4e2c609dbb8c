/**
 * SHA-256's compression function (FIPS 180-4, 6.2.2) over whole 64-byte blocks, in two implementations behind one
 * interface: plain TypeScript (the reference, and the fallback), and WebAssembly (sha-wasm.ts, the fast one).
 * `Sha256` (sha.ts) does the padding and the ragged tails around either.
 */

/** The first 32 bits of the fractional parts of the cube roots of the first 64 primes (FIPS 180-4, 4.2.2). */
export const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
]);

/** Initial hash value (FIPS 180-4, 5.3.3). */
export const H0 = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

export interface Sha256Blocks {
  /** Hashes d[from, to), a multiple of 64 bytes, into the state. */
  blocks(d: Uint8Array, from: number, to: number): void;
  /** The eight state words (a copy). */
  state(): Int32Array;
}

/**
 * The compression function in plain TypeScript; state in locals for speed. A class: the same code as a closure
 * over `h` and `w` ran 3× slower in V8 once optimised.
 */
class JsBlocks implements Sha256Blocks {
  private readonly h = Int32Array.from(H0);
  private readonly w = new Int32Array(64);

  state(): Int32Array {
    return this.h.slice();
  }

  blocks(d: Uint8Array, from: number, to: number): void {
    const h = this.h;
    const w = this.w;
    let h0 = h[0],
      h1 = h[1],
      h2 = h[2],
      h3 = h[3],
      h4 = h[4],
      h5 = h[5],
      h6 = h[6],
      h7 = h[7];
    for (let p = from; p < to; p += 64) {
      for (let t = 0; t < 16; t++) {
        const j = p + 4 * t;
        w[t] = (d[j] << 24) | (d[j + 1] << 16) | (d[j + 2] << 8) | d[j + 3];
      }
      for (let t = 16; t < 64; t++) {
        const a = w[t - 15];
        const b = w[t - 2];
        const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
        const s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
        w[t] = (w[t - 16] + s0 + w[t - 7] + s1) | 0;
      }
      let a = h0,
        b = h1,
        c = h2,
        e = h4,
        f = h5,
        g = h6,
        hh = h7,
        dd = h3;
      for (let t = 0; t < 64; t++) {
        const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
        const ch = g ^ (e & (f ^ g)); // (e & f) ^ (~e & g), one operation fewer
        const t1 = (hh + S1 + ch + K[t] + w[t]) | 0;
        const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
        const maj = (a & b) | (c & (a | b)); // (a & b) ^ (a & c) ^ (b & c)
        const t2 = (S0 + maj) | 0;
        hh = g;
        g = f;
        f = e;
        e = (dd + t1) | 0;
        dd = c;
        c = b;
        b = a;
        a = (t1 + t2) | 0;
      }
      h0 = (h0 + a) | 0;
      h1 = (h1 + b) | 0;
      h2 = (h2 + c) | 0;
      h3 = (h3 + dd) | 0;
      h4 = (h4 + e) | 0;
      h5 = (h5 + f) | 0;
      h6 = (h6 + g) | 0;
      h7 = (h7 + hh) | 0;
    }
    h.set([h0, h1, h2, h3, h4, h5, h6, h7]);
  }
}

export const jsBlocks = (): Sha256Blocks => new JsBlocks();
