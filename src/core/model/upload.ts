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

const sameShape = (a: number[], b: number[]) => a.length === b.length && a.every((v, i) => v === b[i]);

export function uploadWeights(
  config: ModelConfig,
  spec: DecoderSpec,
  source: TensorSource,
  onProgress?: (fraction: number) => void,
  headBlock = HEAD_BLOCK,
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
    const uploadedGlobals = {
      ...(uploadAll(rest) as Omit<GlobalSlots<tf.Tensor>, 'embed'>),
      embed: headName ? upload(embed)! : null,
    };
    onProgress?.(1 / total);
    const layers: LayerWeights[] = [];
    for (let l = 0; l < spec.layers; l++) {
      layers.push(uploadAll(family.layer(config, l, read)) as unknown as LayerWeights);
      onProgress?.((l + 2) / total);
    }
    // The LM head is x [N, D] . W^T; keep W^T [D, V] so the product is a plain 2-D matMul.
    const { vocab: V, hidden: D } = spec;
    const headT = transposeHost(headName ? read(headName) : embed.data, V, D);
    const headBlocks = columnBlocks(headT, D, V, headBlock).map((b) => tf.tensor2d(b.data, [D, b.cols]));
    created.push(...headBlocks);
    onProgress?.(1);
    return { ...uploadedGlobals, layers, headT: headBlocks, tiedHead: !headName, numParams };
  } catch (e) {
    for (const t of created) t.dispose();
    throw e;
  }
}

/** Column blocks of a [rows, cols] row-major matrix, each [rows, <= width]. */
function columnBlocks(
  data: Float32Array,
  rows: number,
  cols: number,
  width: number,
): { data: Float32Array; cols: number }[] {
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

export function disposeWeights(w: DecoderWeights): void {
  const all: tf.Tensor[] = [...w.headT];
  for (const [k, v] of Object.entries(w)) if (v instanceof tf.Tensor && k !== 'headT') all.push(v);
  for (const l of w.layers) all.push(...Object.values(l).filter((t): t is tf.Tensor => !!t));
  for (const t of all) t.dispose();
}
