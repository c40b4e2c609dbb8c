/**
 * The trainable policy RL and training loops hold: GPT-2 with its hand-written gradients (./gpt2-train.ts) or any
 * other family through autodiff over the shared decoder (./decoder-train.ts). Both keep their variables under the
 * Hugging Face names, so a checkpoint is a plain model folder the runtime loads.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { ModelConfig } from '../model/types';
import { DecoderTrain, decoderParamShapes } from './decoder-train';
import { GPT2Train, gpt2ParamShapes, type NamedArray } from './gpt2-train';

export interface TrainablePolicy {
  readonly config: ModelConfig;
  readonly vars: Map<string, tf.Variable>;
  readonly numParams: number;
  /** HF name of a variable, from its tf.Variable name. */
  hfName(variableName: string): string;
  /** Logits [B*T, V] for ids [B, T], differentiable; onAttention gets [B*H, T, T] per layer. */
  forward(ids: tf.Tensor2D, onAttention?: (layer: number, probs: tf.Tensor3D) => void): tf.Tensor2D;
  toArrays(): NamedArray[];
  dispose(): void;
}

export function createPolicy(config: ModelConfig, weights: NamedArray[]): TrainablePolicy {
  return config.model_type === 'gpt2' ? new GPT2Train(config, weights) : new DecoderTrain(config, weights);
}

/** The parameter names and shapes a policy of `config` holds. */
export function policyParamShapes(config: ModelConfig): { name: string; shape: number[] }[] {
  return config.model_type === 'gpt2' ? gpt2ParamShapes(config) : decoderParamShapes(config);
}
