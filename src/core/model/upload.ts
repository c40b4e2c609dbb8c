/**
 * Uploads a family's weights from a TensorSource: checks every stored tensor's shape against the config first
 * (nothing big is read before the whole checkpoint is known to fit), then converts and uploads tensor by tensor
 * (F16/BF16 -> float32 one tensor at a time, so the host never holds a second copy of the checkpoint).
 * All-or-nothing: on any error every tensor uploaded so far is disposed.
 */
import * as tf from '@tensorflow/tfjs-core';
import { InputError } from '../errors';
import type { TensorSource } from '../io/safetensors';
import { transposeHost, type DecoderSpec, type GlobalSlots, type LayerSlots } from './family';
import { familyOf } from './families';
import type { HostTensor, ModelConfig } from './types';

export type LayerWeights = LayerSlots<tf.Tensor>;

export interface DecoderWeights extends Omit<GlobalSlots<tf.Tensor>, 'embed'> {
  /** [V, D], or null when the head is tied: then embedding rows are gathered from headT (one copy on the device). */
  embed: tf.Tensor | null;
  /**
   * An untied [V, D] embedding larger than one device buffer (maxTensorBytes) is kept as row blocks [V_b, D] instead
   * of `embed` (WebGPU: a 151936 × 1024 float32 table is 593 MiB, past most adapters' binding limit).
   */
  embedBlocks?: tf.Tensor2D[];
  layers: LayerWeights[];
  /**
   * LM head as [D, V] (the embedding or lm_head.weight transposed once), in column blocks of at most HEAD_BLOCK
   * ids: logits = concat_b(x . headT[b]).
   */
  headT: tf.Tensor2D[];
  tiedHead: boolean;
  numParams: number;
}

/** LM head column block width (ids per block); measured faster than one [768, 50257] matMul on tfjs-wasm. */
export const HEAD_BLOCK = 8192;

/**
 * Vectors of `length` floats per block so one block stays within `maxTensorBytes` (a device buffer), at most
 * `preferred`. Throws when not even one vector fits.
 */
export function blockVectors(length: number, maxTensorBytes: number, preferred: number): number {
  const fit = Math.floor(maxTensorBytes / (4 * length));
  if (fit < 1) throw new InputError(`one row of ${length} floats exceeds the device's buffer limit`, {});
  return Math.min(preferred, fit);
}

const sameShape = (a: number[], b: number[]) => a.length === b.length && a.every((v, i) => v === b[i]);

export function uploadWeights(
  config: ModelConfig,
  spec: DecoderSpec,
  source: TensorSource,
  onProgress?: (fraction: number) => void,
  headBlock = HEAD_BLOCK,
  maxTensorBytes = Infinity,
): DecoderWeights {
  const family = familyOf(config);
  const has = (name: string) => source.info(name) !== undefined;
  const expected = new Map(family.tensors(config).map((t) => [t.name, t.shape]));
  const headName = family.headName(config, has);
  if (headName) expected.set(headName, [spec.vocab, spec.hidden]);

  // Check every shape before reading anything.
  const stored = new Map<string, string>(); // canonical -> name in the file
  let numParams = 0;
  for (const [name, shape] of expected) {
    const full = name === headName ? (has(name) ? name : undefined) : family.resolve(has, name);
    if (!full) {
      const why = name === headName ? ' (tie_word_embeddings is false, so the LM head must be stored)' : '';
      throw new InputError(`missing tensor "${name}" (expected shape [${shape.join(', ')}])${why}`, {
        file: source.fileName,
        field: name,
      });
    }
    const actual = source.info(full)!.shape;
    if (!sameShape(actual, shape)) {
      throw new InputError(
        `tensor "${full}" has shape [${actual.join(', ')}], expected [${shape.join(', ')}] from config.json`,
        {
          file: source.fileName,
          field: full,
        },
      );
    }
    stored.set(name, full);
    numParams += shape.reduce((a, b) => a * b, 1);
  }
  const read = (name: string): Float32Array => {
    const full = stored.get(name);
    if (!full) throw new Error(`${config.model_type} family read an undeclared tensor ${name}`);
    return source.getFloat32(full);
  };

  const created: tf.Tensor[] = [];
  const upload = (t: HostTensor | undefined): tf.Tensor | undefined => {
    if (!t) return undefined;
    const bytes = 4 * t.data.length;
    if (bytes > maxTensorBytes) {
      throw new InputError(
        `a ${t.shape.join(' × ')} weight takes ${mib(bytes)} in float32, more than one device buffer may hold (${mib(maxTensorBytes)}); use the wasm backend`,
        { file: source.fileName },
      );
    }
    const out = tf.tensor(t.data, t.shape, 'float32');
    created.push(out);
    return out;
  };
  const uploadAll = <S extends object>(slots: S): { [K in keyof S]: tf.Tensor } => {
    const out: Record<string, tf.Tensor> = {};
    for (const [k, v] of Object.entries(slots)) if (v) out[k] = upload(v as HostTensor)!;
    return out as { [K in keyof S]: tf.Tensor };
  };
  try {
    const total = spec.layers + 2;
    const { embed, ...rest } = family.globals(config, read);
    const { vocab: V, hidden: D } = spec;
    const width = blockVectors(D, maxTensorBytes, headBlock); // ids per LM-head column block / embedding row block
    const splitEmbed = headName !== null && 4 * embed.data.length > maxTensorBytes;
    const embedBlocks = splitEmbed ? rowBlocks(embed.data, V, D, width) : undefined;
    if (embedBlocks) created.push(...embedBlocks);
    const uploadedGlobals = {
      ...(uploadAll(rest) as Omit<GlobalSlots<tf.Tensor>, 'embed'>),
      embed: headName && !splitEmbed ? upload(embed)! : null,
      ...(embedBlocks ? { embedBlocks } : {}),
    };
    onProgress?.(1 / total);
    const layers: LayerWeights[] = [];
    for (let l = 0; l < spec.layers; l++) {
      layers.push(uploadAll(family.layer(config, l, read)) as unknown as LayerWeights);
      onProgress?.((l + 2) / total);
    }
    // The LM head is x [N, D] . W^T; keep W^T [D, V] so the product is a plain 2-D matMul. Its column blocks are
    // transposed straight from W [V, D], one block at a time (the host never holds a whole second copy of W).
    const W = headName ? read(headName) : embed.data;
    const headBlocks: tf.Tensor2D[] = [];
    for (let v0 = 0; v0 < V; v0 += width) {
      const w = Math.min(width, V - v0);
      const block = tf.tensor2d(transposeHost(W.subarray(v0 * D, (v0 + w) * D), w, D), [D, w]);
      created.push(block);
      headBlocks.push(block);
    }
    onProgress?.(1);
    return { ...uploadedGlobals, layers, headT: headBlocks, tiedHead: !headName, numParams };
  } catch (e) {
    for (const t of created) t.dispose();
    throw e;
  }
}

const mib = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;

/** Row blocks [<= rows per block, cols] of a [rows, cols] row-major matrix, uploaded (views: no host copy). */
function rowBlocks(data: Float32Array, rows: number, cols: number, perBlock: number): tf.Tensor2D[] {
  const out: tf.Tensor2D[] = [];
  for (let r0 = 0; r0 < rows; r0 += perBlock) {
    const n = Math.min(perBlock, rows - r0);
    out.push(tf.tensor2d(data.subarray(r0 * cols, (r0 + n) * cols), [n, cols]));
  }
  return out;
}

export function disposeWeights(w: DecoderWeights): void {
  const all: tf.Tensor[] = [...w.headT, ...(w.embedBlocks ?? [])];
  for (const v of Object.values(w)) if (v instanceof tf.Tensor) all.push(v);
  for (const l of w.layers) all.push(...Object.values(l).filter((t): t is tf.Tensor => !!t));
  for (const t of all) t.dispose();
}
