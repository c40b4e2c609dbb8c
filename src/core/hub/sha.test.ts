import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../model/sampling';
import { Sha256, shaFromEtag } from './sha';
import { sha256Hex } from './testing/fakeHub';
import { jsBlocks, type Sha256Blocks } from './sha-blocks';
import { sha256ModuleBytes, wasmBlocks } from './sha-wasm';

const enc = new TextEncoder();

function randomBytes(n: number, seed: number): Uint8Array {
  const rng = mulberry32(seed);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(rng() * 256);
  return out;
}

const CORES: [string, () => Sha256Blocks][] = [
  ['TypeScript', jsBlocks],
  ['WebAssembly', () => wasmBlocks()!],
];

describe.each(CORES)('Sha256 (incremental) with the %s compression function', (_, core) => {
  const hashOf = (...chunks: Uint8Array[]) => {
    const h = new Sha256(core());
    for (const c of chunks) h.update(c);
    return h.hex();
  };

  it('gives the FIPS 180-2 / NIST example digests', () => {
    expect(hashOf(enc.encode('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(hashOf()).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    // 56 bytes: the length no longer fits the first padded block, so padding takes a second one.
    expect(hashOf(enc.encode('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'))).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
    const million = new Uint8Array(1_000_000).fill(0x61); // one million "a"
    expect(hashOf(million)).toBe('cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0');
  });

  it('matches node:crypto and crypto.subtle on random data of odd lengths, in any chunking', async () => {
    const rng = mulberry32(11);
    for (const n of [1, 55, 56, 63, 64, 65, 119, 120, 127, 128, 1000, 4097, 65_537, 300_001]) {
      const data = randomBytes(n, n);
      const want = createHash('sha256').update(data).digest('hex');
      expect(await sha256Hex(data)).toBe(want);
      expect(hashOf(data), `n=${n} whole`).toBe(want);
      // Random cut points, including empty and 1-byte chunks.
      const h = new Sha256(core());
      for (let i = 0; i < n;) {
        const len = Math.min(n - i, Math.floor(rng() * rng() * 200));
        h.update(data.subarray(i, i + len));
        i += len;
      }
      expect(h.bytes).toBe(n);
      expect(h.hex(), `n=${n} in random chunks`).toBe(want);
      const bytewise = new Sha256(core());
      if (n < 5000) for (let i = 0; i < n; i++) bytewise.update(data.subarray(i, i + 1));
      if (n < 5000) expect(bytewise.hex(), `n=${n} byte by byte`).toBe(want);
    }
  });

  it('hashes a view at an odd offset of a larger buffer; digest is final and repeatable', () => {
    const data = randomBytes(1001, 5);
    const want = createHash('sha256').update(data.subarray(3, 1000)).digest('hex');
    const h = new Sha256(core()).update(data.subarray(3, 500)).update(data.subarray(500, 1000));
    expect(h.hex()).toBe(want);
    expect(h.hex()).toBe(want);
    expect(() => h.update(data)).toThrow(/after digest/);
  });
});

describe('the WebAssembly compression function', () => {
  it('runs here, so it is what Sha256 uses by default, and compiles synchronously on a page (under 4 KB)', () => {
    expect(sha256ModuleBytes().length).toBeLessThan(4096);
    expect(wasmBlocks()).toBeDefined();
    // The default core gives the same state as the WebAssembly one after the same blocks.
    const data = randomBytes(64 * 40, 9);
    const wasm = wasmBlocks()!;
    const js = jsBlocks();
    wasm.blocks(data, 64, data.length);
    js.blocks(data, 64, data.length);
    expect(Array.from(wasm.state())).toEqual(Array.from(js.state()));
  });

  it('hashes more than its 1 MB window in one call, from an offset', () => {
    const data = randomBytes((1 << 20) * 2 + 64 * 3 + 5, 4);
    const want = createHash('sha256').update(data.subarray(5)).digest('hex');
    expect(new Sha256(wasmBlocks()!).update(data.subarray(5)).hex()).toBe(want);
  });
});

describe('shaFromEtag', () => {
  it('takes a strong 64-hex ETag, not a sha1 or a weak one', () => {
    const sha = 'a'.repeat(64);
    expect(shaFromEtag(`"${sha}"`)).toBe(sha);
    expect(shaFromEtag(`"${'b'.repeat(40)}"`)).toBeUndefined();
    expect(shaFromEtag(`W/"${sha}"`)).toBeUndefined();
    expect(shaFromEtag(null)).toBeUndefined();
  });
});
