/**
 * SHA-256's compression function in WebAssembly, assembled at load time (kernels/wasm-emit.ts). The eight working
 * variables and the sixteen live message words stay in locals, rotations are native (`i32.rotr`) and the rounds
 * are unrolled sixteen at a time with the variables renamed instead of moved — the plain-TypeScript version
 * (sha-blocks.ts) keeps its schedule in a typed array and pays a bounds check per access. The module stays under
 * the 4 KB that Chromium compiles synchronously on a page's main thread.
 *
 * Memory (one per hash): the state at 0 (8 words), K at 64 (64 words), the blocks being hashed at 1024.
 */
import { Code, I32, assembleModule } from '../kernels/wasm-emit';
import { H0, K, type Sha256Blocks } from './sha-blocks';

const STATE = 0;
const K_AT = 64;
const DATA = 1024;
/** Bytes copied into the module's memory per call (a multiple of 64). */
const DATA_BYTES = 1 << 20;
const PAGES = Math.ceil((DATA + DATA_BYTES) / 65536);

// Locals: the params (state pointer, data pointer, block count), then a..h, w0..w15, a temporary, K's pointer for
// the current 16 rounds, and the count of 16-round groups left.
const P_STATE = 0;
const P_DATA = 1;
const P_COUNT = 2;
const V = [3, 4, 5, 6, 7, 8, 9, 10];
const W = Array.from({ length: 16 }, (_, i) => 11 + i);
const T1 = 27;
const KP = 28;
const GROUPS = 29;
const LOCALS = Array(27).fill(I32);

/** x ↦ rotr(x, r1) ^ rotr(x, r2) ^ (third < 0 ? rotr(x, -third) : x >>> third), x the local `x`. */
function sigma(c: Code, x: number, r1: number, r2: number, third: number): Code {
  c.get(x).i32(r1).rotr().get(x).i32(r2).rotr().xor().get(x);
  return third < 0 ? c.i32(-third).rotr().xor() : c.i32(third).shrU().xor();
}

function sha256Code(): Code {
  const c = new Code();
  c.while(
    (c) => c.get(P_COUNT),
    (c) => {
      V.forEach((v, i) =>
        c
          .get(P_STATE)
          .i32Load(4 * i)
          .set(v),
      );
      // The block's words, big-endian: swap the bytes of a little-endian load.
      W.forEach((w, i) =>
        c
          .get(P_DATA)
          .i32Load(4 * i)
          .set(T1)
          .get(T1)
          .i32(8)
          .rotr()
          .i32(0xff00ff00 | 0)
          .and()
          .get(T1)
          .i32(8)
          .rotl()
          .i32(0x00ff00ff)
          .and()
          .or()
          .set(w),
      );
      c.i32(K_AT).set(KP).i32(4).set(GROUPS);
      c.while(
        (c) => c.get(GROUPS),
        (c) => {
          let [a, b, cc, d, e, f, g, h] = V;
          for (let i = 0; i < 16; i++) {
            // T1 = h + Σ1(e) + Ch(e, f, g) + K[t] + W[t]; d += T1; h = T1 + Σ0(a) + Maj(a, b, c); then rename.
            c.get(h);
            sigma(c, e, 6, 11, -25).add();
            c.get(g).get(e).get(f).get(g).xor().and().xor().add();
            c.get(KP)
              .i32Load(4 * i)
              .add();
            c.get(W[i]).add().set(T1);
            c.get(d).get(T1).add().set(d);
            c.get(T1);
            sigma(c, a, 2, 13, -22).add();
            c.get(a).get(b).and().get(cc).get(a).get(b).or().and().or().add().set(h);
            [a, b, cc, d, e, f, g, h] = [h, a, b, cc, d, e, f, g];
          }
          // The next group's message words (W[t] = W[t-16] + σ0(W[t-15]) + W[t-7] + σ1(W[t-2]), in place); none
          // after the last group.
          c.get(GROUPS)
            .i32(1)
            .sub()
            .if((c) => {
              for (let i = 0; i < 16; i++) {
                c.get(W[i]);
                sigma(c, W[(i + 1) % 16], 7, 18, 3).add();
                c.get(W[(i + 9) % 16]).add();
                sigma(c, W[(i + 14) % 16], 17, 19, 10).add();
                c.set(W[i]);
              }
            });
          c.inc(KP, 64).inc(GROUPS, -1);
        },
      );
      V.forEach((v, i) =>
        c
          .get(P_STATE)
          .get(P_STATE)
          .i32Load(4 * i)
          .get(v)
          .add()
          .i32Store(4 * i),
      );
      c.inc(P_DATA, 64).inc(P_COUNT, -1);
    },
  );
  return c;
}

/** The module's bytes: one export, `sha256(state, data, blocks)`, over an imported memory. */
export function sha256ModuleBytes(): Uint8Array<ArrayBuffer> {
  return assembleModule([{ name: 'sha256', params: [I32, I32, I32], locals: LOCALS, code: sha256Code() }]);
}

let compiled: WebAssembly.Module | null | undefined;

function sha256Module(): WebAssembly.Module | undefined {
  if (compiled === undefined) {
    try {
      compiled = new WebAssembly.Module(sha256ModuleBytes());
    } catch {
      compiled = null; // no WebAssembly here (or it is turned off): callers use the TypeScript version
    }
  }
  return compiled ?? undefined;
}

/** The compression function in WebAssembly, or undefined where WebAssembly cannot run. */
export function wasmBlocks(): Sha256Blocks | undefined {
  const module = sha256Module();
  if (!module) return undefined;
  const memory = new WebAssembly.Memory({ initial: PAGES });
  const run = new WebAssembly.Instance(module, { env: { memory } }).exports.sha256 as (
    state: number,
    data: number,
    blocks: number,
  ) => void;
  const words = new Int32Array(memory.buffer);
  const bytes = new Uint8Array(memory.buffer);
  words.set(H0, STATE / 4);
  words.set(K, K_AT / 4);
  return {
    state: () => words.slice(STATE / 4, STATE / 4 + 8),
    blocks(d, from, to) {
      for (let p = from; p < to; p += DATA_BYTES) {
        const n = Math.min(DATA_BYTES, to - p);
        bytes.set(d.subarray(p, p + n), DATA);
        run(STATE, DATA, n / 64);
      }
    },
  };
}
