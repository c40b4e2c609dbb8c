/**
 * The training run: resume or initialise, train with periodic held-out evaluation and checkpoints,
 * report progress lines. Environment-free: checkpoints go through `save`, lines through `log`.
 */
import type { ModelConfig } from '../model/types';
import type { CharTokenizer } from '../tokenizer/char';
import type { Tokenizer } from '../tokenizer/types';
import type { AdamConfig } from './adam';
import { checkpointFiles, type LoadedCheckpoint, type TrainerState } from './checkpoint';
import { formatMix, type MixEntry } from './data';
import type { FolderBytes } from './folder';
import { GPT2Train } from './gpt2-train';
import { createPolicy, type TrainablePolicy } from './policy';
import { Trainer } from './trainer';

export interface RunOptions {
  /** A new model (no resumeFrom) must be GPT-2; any family continues from a checkpoint. */
  config: ModelConfig;
  tokenizer: Tokenizer;
  /** What checkpoints carry as the tokenizer: a character vocabulary, or the starting folder's tokenizer files. */
  tokenizerFiles: CharTokenizer | FolderBytes;
  mix: MixEntry[];
  steps: number;
  batchSize: number;
  seed: number;
  adam: AdamConfig;
  evalEvery: number;
  evalProblems: number;
  checkpointEvery: number;
  /** Stop (after a checkpoint) once this much wall time has passed in this process; 0 = no limit. */
  maxSeconds: number;
  /** Extra fields for trainer_state.json (command line, machine). */
  extraState?: Record<string, unknown>;
  resumeFrom?: LoadedCheckpoint;
  save(files: Record<string, Uint8Array>): Promise<void>;
  log(line: string): void;
  now?: () => number;
  signal?: AbortSignal;
}

export interface RunSummary {
  steps: number;
  seconds: number;
  lastLoss: number;
  lastEval?: { entry: string; accuracy: number }[];
  stoppedEarly: boolean;
}

const fmtTime = (s: number): string =>
  s >= 3600 ? `${(s / 3600).toFixed(1)}h` : s >= 60 ? `${Math.round(s / 60)}m` : `${Math.round(s)}s`;

export async function runTraining(o: RunOptions): Promise<RunSummary> {
  const now = o.now ?? (() => Date.now());
  let model: TrainablePolicy;
  if (o.resumeFrom) model = createPolicy(o.config, o.resumeFrom.weights);
  else if (o.config.model_type === 'gpt2') model = GPT2Train.init(o.config, o.seed);
  else throw new Error('a new model is a GPT-2; other families continue from a checkpoint');
  const trainer = new Trainer(model, o.tokenizer, { mix: o.mix, batchSize: o.batchSize, seed: o.seed, adam: o.adam });
  let elapsedBefore = 0;
  let examples = 0;
  if (o.resumeFrom?.state) {
    trainer.adam.loadState(o.resumeFrom.optimizer ?? [], o.resumeFrom.state.step);
    elapsedBefore = o.resumeFrom.state.elapsed_s;
    examples = o.resumeFrom.state.examples_seen;
    o.log(`resumed at step ${trainer.step} (${fmtTime(elapsedBefore)} of earlier training), mix ${formatMix(o.mix)}`);
  } else {
    const what = o.resumeFrom ? `${o.config.model_type} model` : 'new model';
    o.log(`${what}: ${model.numParams} parameters, mix ${formatMix(o.mix)}`);
  }
  const t0 = now();
  const startStep = trainer.step;
  let lastLoss = NaN;
  let lastEval: RunSummary['lastEval'];
  let windowLoss = 0;
  let windowN = 0;

  const state = (): TrainerState => ({
    step: trainer.step,
    seed: o.seed,
    batch_size: o.batchSize,
    mix: o.mix,
    adam: o.adam,
    elapsed_s: Math.round(elapsedBefore + (now() - t0) / 1000),
    examples_seen: examples,
    last_eval: lastEval,
    ...o.extraState,
  });
  const checkpoint = async (): Promise<void> => {
    await o.save(checkpointFiles(o.config, model.toArrays(), o.tokenizerFiles, trainer.adam.stateArrays(), state()));
    o.log(`checkpoint at step ${trainer.step}`);
  };
  const evaluate = (): void => {
    const res = trainer.evaluate(o.evalProblems, o.seed + 1);
    lastEval = res.map((r) => ({ entry: `${r.entry.task}:${r.entry.level}`, accuracy: r.accuracy }));
    o.log(
      `eval step ${trainer.step} | held-out seq acc ${res.map((r) => `${r.entry.task}:${r.entry.level} ${(100 * r.accuracy).toFixed(0)}%`).join(' ')}`,
    );
  };

  let stoppedEarly = false;
  try {
    while (trainer.step < o.steps) {
      if (o.signal?.aborted) {
        stoppedEarly = true;
        break;
      }
      const r = trainer.trainStep();
      examples += r.examples;
      lastLoss = r.loss;
      windowLoss += r.loss;
      windowN++;
      const done = trainer.step;
      const secs = (now() - t0) / 1000;
      if (done % 10 === 0 || done === o.steps) {
        const rate = (examples - (o.resumeFrom?.state?.examples_seen ?? 0)) / Math.max(secs, 1e-9);
        const eta = ((o.steps - done) * secs) / Math.max(done - startStep, 1);
        o.log(
          `step ${done}/${o.steps} | ${rate.toFixed(1)} ex/s | loss ${(windowLoss / windowN).toFixed(4)} | lr ${r.lr.toExponential(2)} | gnorm ${r.gradNorm.toFixed(2)} | ETA ${fmtTime(eta)}`,
        );
        windowLoss = 0;
        windowN = 0;
      }
      if (o.evalEvery > 0 && done % o.evalEvery === 0) evaluate();
      if (o.checkpointEvery > 0 && done % o.checkpointEvery === 0 && done !== o.steps) await checkpoint();
      if (o.maxSeconds > 0 && secs > o.maxSeconds && done < o.steps) {
        o.log(`time limit of ${fmtTime(o.maxSeconds)} reached at step ${done}; stopping`);
        stoppedEarly = true;
        break;
      }
      // Let the event loop breathe (signals, log flushing) between steps.
      await new Promise((res) => setTimeout(res, 0));
    }
    if (o.evalEvery > 0 && trainer.step % o.evalEvery !== 0) evaluate();
    await checkpoint();
    return { steps: trainer.step, seconds: (now() - t0) / 1000, lastLoss, lastEval, stoppedEarly };
  } finally {
    trainer.dispose();
    model.dispose();
  }
}
