/**
 * sha256 of a file's bytes, taken incrementally as a download arrives (`Sha256`, WebAssembly or plain TypeScript:
 * Web Crypto has no streaming digest), and the one an ETag carries.
 */
import { jsBlocks, type Sha256Blocks } from './sha-blocks';
import { wasmBlocks } from './sha-wasm';

export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Incremental SHA-256 (FIPS 180-4): `update` with the bytes in order, in chunks of any size, then `hex()`.
 * Whole 64-byte blocks are hashed straight from the caller's chunk; only a chunk's ragged tail is copied.
 */
export class Sha256 {
  private readonly tail = new Uint8Array(64);
  private tailLength = 0;
  private length = 0;
  private done = false;

  /** `core`: the compression function (default: WebAssembly where it runs, else TypeScript). */
  constructor(private readonly core: Sha256Blocks = wasmBlocks() ?? jsBlocks()) {}

  /** Bytes hashed so far. */
  get bytes(): number {
    return this.length;
  }

  update(data: Uint8Array): this {
    if (this.done) throw new Error('Sha256: update after digest');
    this.length += data.length;
    let i = 0;
    if (this.tailLength > 0) {
      i = Math.min(64 - this.tailLength, data.length);
      this.tail.set(data.subarray(0, i), this.tailLength);
      this.tailLength += i;
      if (this.tailLength < 64) return this;
      this.core.blocks(this.tail, 0, 64);
      this.tailLength = 0;
    }
    const whole = i + Math.floor((data.length - i) / 64) * 64;
    if (whole > i) this.core.blocks(data, i, whole);
    this.tail.set(data.subarray(whole));
    this.tailLength = data.length - whole;
    return this;
  }

  digest(): Uint8Array {
    if (!this.done) {
      // Padding: 0x80, zeros to 56 mod 64, then the length in bits as a 64-bit big-endian number.
      const bits = this.length * 8;
      const pad = new Uint8Array((this.tailLength < 56 ? 64 : 128) - this.tailLength);
      pad[0] = 0x80;
      const view = new DataView(pad.buffer);
      view.setUint32(pad.length - 8, Math.floor(bits / 2 ** 32));
      view.setUint32(pad.length - 4, bits >>> 0);
      const length = this.length;
      this.update(pad);
      this.length = length;
      this.done = true;
    }
    const out = new Uint8Array(32);
    const view = new DataView(out.buffer);
    const h = this.core.state();
    for (let j = 0; j < 8; j++) view.setInt32(4 * j, h[j]);
    return out;
  }

  hex(): string {
    return toHex(this.digest());
  }
}

/**
 * The Hub's ETag of a large (LFS) file is its sha256 in hex, quoted; a small file's is a git blob sha1 (40 hex
 * digits), which is not a hash of the bytes alone and is not checked. A weak ETag says nothing about the bytes.
 */
export function shaFromEtag(etag: string | null | undefined): string | undefined {
  if (!etag || etag.startsWith('W/')) return undefined;
  const v = etag.replace(/^"|"$/g, '').toLowerCase();
  return /^[0-9a-f]{64}$/.test(v) ? v : undefined;
}
