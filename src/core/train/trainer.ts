/** The supervised training loop: batches from the task mix, masked loss, Adam, held-out accuracy. */
import * as tf from '@tensorflow/tfjs-core';
import type { Tokenizer } from '../tokenizer/types';
import { Adam, type AdamConfig } from './adam';
import { heldOutProblems, makeBatch, trainingBatch, type Batch, type MixEntry } from './data';
import type { TrainablePolicy } from './policy';
import { maskedCrossEntropy, sequenceAccuracy } from './loss';

export interface TrainOptions {
  mix: MixEntry[];
  batchSize: number;
  seed: number;
  adam: AdamConfig;
}

export interface StepResult {
  step: number;
  loss: number;
  gradNorm: number;
  lr: number;
  examples: number;
  completionTokens: number;
}

export class Trainer {
  readonly model: TrainablePolicy;
  readonly tokenizer: Tokenizer;
  readonly options: TrainOptions;
  readonly adam: Adam;

  constructor(model: TrainablePolicy, tokenizer: Tokenizer, options: TrainOptions) {
    this.model = model;
    this.tokenizer = tokenizer;
    this.options = options;
    this.adam = new Adam(options.adam);
  }

  /** Steps done (the next batch to train on is batch number `step`). */
  get step(): number {
    return this.adam.step;
  }

  private batchTensors(batch: Batch): { ids: tf.Tensor2D; targets: tf.Tensor1D; mask: tf.Tensor1D } {
    return {
      ids: tf.tensor2d(batch.ids, [batch.B, batch.T], 'int32'),
      targets: tf.tensor1d(batch.targets, 'int32'),
      mask: tf.tensor1d(batch.mask, 'float32'),
    };
  }

  /** Loss of a batch without updating (for tests and monitoring). */
  loss(batch: Batch): number {
    return tf.tidy(() => {
      const { ids, targets, mask } = this.batchTensors(batch);
      return maskedCrossEntropy(this.model.forward(ids), targets, mask).dataSync()[0];
    });
  }

  trainStep(): StepResult {
    const { mix, seed, batchSize } = this.options;
    const step = this.adam.step;
    const batch = trainingBatch(mix, seed, step, batchSize, this.tokenizer);
    const inputs = this.batchTensors(batch);
    const vars = [...this.model.vars.values()];
    const { value, grads } = tf.variableGrads(
      () => maskedCrossEntropy(this.model.forward(inputs.ids), inputs.targets, inputs.mask),
      vars,
    );
    const byHfName = new Map<string, tf.Tensor>();
    for (const [varName, g] of Object.entries(grads)) byHfName.set(this.model.hfName(varName), g);
    const { gradNorm, lr } = this.adam.apply(this.model.vars, byHfName);
    const loss = value.dataSync()[0];
    tf.dispose([value, ...Object.values(grads), inputs.ids, inputs.targets, inputs.mask]);
    return { step, loss, gradNorm, lr, examples: batch.B, completionTokens: batch.completionTokens };
  }

  /** Teacher-forced sequence accuracy (= greedy output equals the reference) per mix entry. */
  evaluate(
    n: number,
    evalSeed: number,
    entries: MixEntry[] = this.options.mix,
  ): { entry: MixEntry; accuracy: number; loss: number }[] {
    return entries.map((entry) => {
      const batch = makeBatch(heldOutProblems(entry, n, evalSeed), this.tokenizer, entry);
      const { ids, targets, mask } = this.batchTensors(batch);
      const logits = tf.tidy(() => this.model.forward(ids));
      const lossTensor = maskedCrossEntropy(logits, targets, mask);
      const loss = lossTensor.dataSync()[0];
      const accuracy = sequenceAccuracy(logits, batch.targets, batch.mask, batch.B, batch.T);
      tf.dispose([ids, targets, mask, logits, lossTensor]);
      return { entry, accuracy, loss };
    });
  }

  dispose(): void {
    this.adam.dispose();
  }
}
