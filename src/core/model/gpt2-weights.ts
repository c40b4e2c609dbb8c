/**
 * GPT-2 weights: find every Hugging Face tensor in a TensorSource, check its shape against the config,
 * and upload it once, already laid out the way the forward's fast paths want it
 * (2-D matMuls with no transpose flags on tfjs-wasm; see docs/performance.md).
 */
import * as tf from '@tensorflow/tfjs-core';
import { InputError } from '../errors';
import type { TensorSource } from '../io/safetensors';
import { mlpWidth } from './config';
import type { GPT2Config } from './types';

export interface GPT2Layer {
  ln1Weight: tf.Tensor1D; // [D]
  ln1Bias: tf.Tensor1D; // [D]
  /** c_attn with the query columns pre-multiplied by 1/sqrt(hd), so scores need no scaling op. */
  attnWeight: tf.Tensor2D; // [D, 3D]
  attnBias: tf.Tensor1D; // [3D]
  attnProjWeight: tf.Tensor2D; // [D, D]
  attnProjBias: tf.Tensor1D; // [D]
  ln2Weight: tf.Tensor1D;
  ln2Bias: tf.Tensor1D;
  fcWeight: tf.Tensor2D; // [D, F]
  fcBias: tf.Tensor1D; // [F]
  fcProjWeight: tf.Tensor2D; // [F, D]
  fcProjBias: tf.Tensor1D; // [D]
}

export interface GPT2Weights {
  wte: tf.Tensor2D; // [V, D], for the embedding gather
  wpe: tf.Tensor2D; // [P, D]
  layers: GPT2Layer[];
  lnfWeight: tf.Tensor1D;
  lnfBias: tf.Tensor1D;
  /**
   * LM head as [D, V] (wte or lm_head.weight transposed once), split into column blocks of at most
   * HEAD_BLOCK ids: logits = concat_b(x . headT[b]).
   */
  headT: tf.Tensor2D[];
  tiedHead: boolean;
  numParams: number;
}

/** LM head column block width (ids per block); measured faster than one [768, 50257] matMul on tfjs-wasm. */
export const HEAD_BLOCK = 8192;

const sameShape = (a: number[], b: number[]) => a.length === b.length && a.every((v, i) => v === b[i]);

/** The tensor's full name in `source`: with or without the `transformer.` prefix; undefined when absent. */
function resolveName(source: TensorSource, name: string): string | undefined {
  for (const candidate of [`transformer.${name}`, name]) if (source.info(candidate)) return candidate;
  return undefined;
}

/**
 * Reads and uploads every tensor. Throws InputError (tensor name, expected and actual shape, file) on the
 * first problem, after disposing whatever it had already uploaded.
 */
export function uploadGPT2Weights(
  config: GPT2Config,
  source: TensorSource,
  onProgress?: (fraction: number) => void,
  headBlock = HEAD_BLOCK,
): GPT2Weights {
  const { n_layer: L, n_embd: D, n_positions: P, vocab_size: V } = config;
  const F = mlpWidth(config);
  const hd = D / config.n_head;
  const created: tf.Tensor[] = [];
  let numParams = 0;
  const total = 4 + 12 * L;
  let done = 0;

  const read = (name: string, shape: number[]): Float32Array =>
    source.getFloat32(checkShape(source, name, shape));
  const upload = <R extends tf.Rank>(data: Float32Array, shape: number[]): tf.Tensor<R> => {
    const t = tf.tensor(data, shape, 'float32') as unknown as tf.Tensor<R>;
    created.push(t);
    numParams += data.length;
    onProgress?.(++done / total);
    return t;
  };
  const load = <R extends tf.Rank>(name: string, shape: number[]) => upload<R>(read(name, shape), shape);

  try {
    // Check every shape before uploading anything big, so a bad file fails fast.
    const expected: [string, number[]][] = [['wte.weight', [V, D]], ['wpe.weight', [P, D]], ['ln_f.weight', [D]], ['ln_f.bias', [D]]];
    for (let i = 0; i < L; i++) {
      const p = `h.${i}.`;
      expected.push(
        [`${p}ln_1.weight`, [D]], [`${p}ln_1.bias`, [D]],
        [`${p}attn.c_attn.weight`, [D, 3 * D]], [`${p}attn.c_attn.bias`, [3 * D]],
        [`${p}attn.c_proj.weight`, [D, D]], [`${p}attn.c_proj.bias`, [D]],
        [`${p}ln_2.weight`, [D]], [`${p}ln_2.bias`, [D]],
        [`${p}mlp.c_fc.weight`, [D, F]], [`${p}mlp.c_fc.bias`, [F]],
        [`${p}mlp.c_proj.weight`, [F, D]], [`${p}mlp.c_proj.bias`, [D]],
      );
    }
    for (const [name, shape] of expected) checkShape(source, name, shape);
    const headInfo = source.info('lm_head.weight');
    if (headInfo && !sameShape(headInfo.shape, [V, D])) {
      throw new InputError(`tensor "lm_head.weight" has shape [${headInfo.shape.join(', ')}], expected [${V}, ${D}] from config.json`, {
        file: source.fileName,
        field: 'lm_head.weight',
      });
    }

    const wteData = read('wte.weight', [V, D]);
    const wte = upload<tf.Rank.R2>(wteData, [V, D]);
    const wpe = load<tf.Rank.R2>('wpe.weight', [P, D]);
    const layers: GPT2Layer[] = [];
    const scale = 1 / Math.sqrt(hd);
    for (let i = 0; i < L; i++) {
      const p = `h.${i}.`;
      const attnW = read(`${p}attn.c_attn.weight`, [D, 3 * D]); // [D, 3D] row-major: q | k | v column blocks
      for (let r = 0; r < D; r++) for (let c = 0; c < D; c++) attnW[r * 3 * D + c] *= scale;
      const attnB = read(`${p}attn.c_attn.bias`, [3 * D]);
      for (let c = 0; c < D; c++) attnB[c] *= scale;
      layers.push({
        ln1Weight: load(`${p}ln_1.weight`, [D]),
        ln1Bias: load(`${p}ln_1.bias`, [D]),
        attnWeight: upload(attnW, [D, 3 * D]),
        attnBias: upload(attnB, [3 * D]),
        attnProjWeight: load(`${p}attn.c_proj.weight`, [D, D]),
        attnProjBias: load(`${p}attn.c_proj.bias`, [D]),
        ln2Weight: load(`${p}ln_2.weight`, [D]),
        ln2Bias: load(`${p}ln_2.bias`, [D]),
        fcWeight: load(`${p}mlp.c_fc.weight`, [D, F]),
        fcBias: load(`${p}mlp.c_fc.bias`, [F]),
        fcProjWeight: load(`${p}mlp.c_proj.weight`, [F, D]),
        fcProjBias: load(`${p}mlp.c_proj.bias`, [D]),
      });
    }
    const lnfWeight = load<tf.Rank.R1>('ln_f.weight', [D]);
    const lnfBias = load<tf.Rank.R1>('ln_f.bias', [D]);
    // The LM head is x [N, D] . W^T; keep W^T [D, V] so the product is a plain 2-D matMul.
    const tiedHead = !headInfo;
    const headT = tiedHead ? transposeHost(wteData, V, D) : transposeHost(source.getFloat32('lm_head.weight'), V, D);
    const headBlocks = columnBlocks(headT, D, V, headBlock).map((b) => tf.tensor2d(b.data, [D, b.cols]));
    created.push(...headBlocks);
    if (!tiedHead) numParams += V * D;
    onProgress?.(1);
    return { wte, wpe, layers, lnfWeight, lnfBias, headT: headBlocks, tiedHead, numParams };
  } catch (e) {
    for (const t of created) t.dispose();
    throw e;
  }
}

/** Checks that `name` exists with `shape`; returns its full name in the source. */
function checkShape(source: TensorSource, name: string, shape: number[]): string {
  const full = resolveName(source, name);
  if (!full) {
    throw new InputError(`missing tensor "${name}" (expected shape [${shape.join(', ')}])`, { file: source.fileName, field: name });
  }
  const actual = source.info(full)!.shape;
  if (!sameShape(actual, shape)) {
    throw new InputError(`tensor "${full}" has shape [${actual.join(', ')}], expected [${shape.join(', ')}] from config.json`, {
      file: source.fileName,
      field: full,
    });
  }
  return full;
}

/** [rows, cols] row-major -> [cols, rows] row-major, on the host (once, at load). */
function transposeHost(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) out[c * rows + r] = data[base + c];
  }
  return out;
}

/** Column blocks of a [rows, cols] row-major matrix, each [rows, <= width]. */
function columnBlocks(data: Float32Array, rows: number, cols: number, width: number): { data: Float32Array; cols: number }[] {
  if (cols <= width) return [{ data, cols }];
  const blocks: { data: Float32Array; cols: number }[] = [];
  for (let c0 = 0; c0 < cols; c0 += width) {
    const w = Math.min(width, cols - c0);
    const out = new Float32Array(rows * w);
    for (let r = 0; r < rows; r++) out.set(data.subarray(r * cols + c0, r * cols + c0 + w), r * w);
    blocks.push({ data: out, cols: w });
  }
  return blocks;
}

export function disposeGPT2Weights(w: GPT2Weights): void {
  const all: tf.Tensor[] = [w.wte, w.wpe, w.lnfWeight, w.lnfBias, ...w.headT];
  for (const l of w.layers) all.push(...Object.values(l));
  for (const t of all) t.dispose();
}
