/**
 * A very small WebAssembly assembler: enough to write a numeric kernel by hand (i32/f32 arithmetic, 128-bit
 * SIMD, structured loops) and wrap it in a module that imports its memory. The project has no C or WAT
 * toolchain at build time, and the kernels are a few hundred bytes, so they are assembled at load time.
 * Opcodes: WebAssembly core spec 2.0, §5.4 (instructions) and the fixed-width SIMD proposal.
 */

export const I32 = 0x7f;
export const F32 = 0x7d;
export const V128 = 0x7b;
export type ValType = typeof I32 | typeof F32 | typeof V128;

/** Unsigned LEB128. */
export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 (32-bit). */
export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

const utf8 = (s: string): number[] => {
  const bytes = new TextEncoder().encode(s);
  return [...uleb(bytes.length), ...bytes];
};
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];

/** Instruction emitter for one function body. Methods append and return `this`, so code reads top-down. */
export class Code {
  readonly bytes: number[] = [];

  private op(...b: number[]): this {
    for (const x of b) this.bytes.push(x);
    return this;
  }
  private simd(code: number, ...rest: number[]): this {
    return this.op(0xfd, ...uleb(code), ...rest);
  }

  get(local: number): this {
    return this.op(0x20, ...uleb(local));
  }
  set(local: number): this {
    return this.op(0x21, ...uleb(local));
  }
  tee(local: number): this {
    return this.op(0x22, ...uleb(local));
  }
  i32(n: number): this {
    return this.op(0x41, ...sleb(n));
  }
  f32(x: number): this {
    const b = new DataView(new ArrayBuffer(4));
    b.setFloat32(0, x, true); // WebAssembly immediates are little-endian
    return this.op(0x43, b.getUint8(0), b.getUint8(1), b.getUint8(2), b.getUint8(3));
  }
  // i32 arithmetic and comparisons (signed)
  add(): this {
    return this.op(0x6a);
  }
  sub(): this {
    return this.op(0x6b);
  }
  mul(): this {
    return this.op(0x6c);
  }
  and(): this {
    return this.op(0x71);
  }
  or(): this {
    return this.op(0x72);
  }
  xor(): this {
    return this.op(0x73);
  }
  shrU(): this {
    return this.op(0x76);
  }
  rotl(): this {
    return this.op(0x77);
  }
  rotr(): this {
    return this.op(0x78);
  }
  eqz(): this {
    return this.op(0x45);
  }
  ltS(): this {
    return this.op(0x48);
  }
  gtS(): this {
    return this.op(0x4a);
  }
  leS(): this {
    return this.op(0x4c);
  }
  select(): this {
    return this.op(0x1b);
  }
  // f32
  i32Load(offset = 0): this {
    return this.op(0x28, 2, ...uleb(offset));
  }
  i32Store(offset = 0): this {
    return this.op(0x36, 2, ...uleb(offset));
  }
  f32Load(offset = 0): this {
    return this.op(0x2a, 2, ...uleb(offset));
  }
  f32Store(offset = 0): this {
    return this.op(0x38, 2, ...uleb(offset));
  }
  f32Add(): this {
    return this.op(0x92);
  }
  f32Mul(): this {
    return this.op(0x94);
  }
  // v128 / f32x4 (memarg alignment hint 2 = 4 bytes: tfjs buffers are only 4-byte aligned)
  v128Load(offset = 0): this {
    return this.simd(0x00, 2, ...uleb(offset));
  }
  v128Load32Splat(offset = 0): this {
    return this.simd(0x09, 2, ...uleb(offset));
  }
  v128Store(offset = 0): this {
    return this.simd(0x0b, 2, ...uleb(offset));
  }
  v128Zero(): this {
    return this.simd(0x0c, ...new Array<number>(16).fill(0));
  }
  f32x4Splat(): this {
    return this.simd(0x13);
  }
  f32x4ExtractLane(lane: number): this {
    return this.simd(0x1f, lane);
  }
  f32x4Add(): this {
    return this.simd(0xe4);
  }
  f32x4Mul(): this {
    return this.simd(0xe6);
  }
  /** memory.fill(dest, value, length) on memory 0. */
  memoryFill(): this {
    return this.op(0xfc, ...uleb(11), 0);
  }
  // control
  return(): this {
    return this.op(0x0f);
  }
  if(body: (c: this) => void): this {
    this.op(0x04, 0x40);
    body(this);
    return this.op(0x0b);
  }
  /** while (cond) body — cond leaves an i32 on the stack. */
  while(cond: (c: this) => void, body: (c: this) => void): this {
    this.op(0x02, 0x40, 0x03, 0x40); // block { loop {
    cond(this);
    this.op(0x45, 0x0d, 1); // i32.eqz; br_if 1 (leave the block)
    body(this);
    return this.op(0x0c, 0, 0x0b, 0x0b); // br 0 (repeat) } }
  }
  /** local += delta (i32). */
  inc(local: number, delta: number | ((c: this) => void)): this {
    this.get(local);
    if (typeof delta === 'number') this.i32(delta);
    else delta(this);
    return this.add().set(local);
  }
}

export interface FunctionSpec {
  name: string;
  params: ValType[];
  /** Extra locals after the params, in order. */
  locals: ValType[];
  code: Code;
}

/**
 * A module with one imported memory ("env"."memory") and the given exported functions (no results).
 * `sharedMemory` must match the memory that will be imported (a threaded tfjs-wasm build uses a shared one).
 */
export function assembleModule(functions: FunctionSpec[], sharedMemory = false): Uint8Array<ArrayBuffer> {
  const types = functions.map((f) => [0x60, ...vec(f.params.map((t) => [t])), 0]);
  const limits = sharedMemory ? [0x03, ...uleb(1), ...uleb(65536)] : [0x00, ...uleb(1)];
  const imports = [[...utf8('env'), ...utf8('memory'), 0x02, ...limits]];
  const exports = functions.map((f, i) => [...utf8(f.name), 0x00, ...uleb(i)]);
  const bodies = functions.map((f) => {
    const groups = f.locals.map((t) => [1, t]); // one (count 1, type) group per local: simple and valid
    const body = [...vec(groups), ...f.code.bytes, 0x0b];
    return [...uleb(body.length), ...body];
  });
  return new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, vec(types)),
    ...section(2, vec(imports)),
    ...section(3, vec(functions.map((_, i) => uleb(i)))),
    ...section(7, vec(exports)),
    ...section(10, vec(bodies)),
  ]);
}
