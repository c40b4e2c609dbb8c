/**
 * The training worker's operations over src/core/rl: a comparison of strategies × seeds, run one after another
 * from the same starting model, with pause/resume/cancel, checkpoints and export. Runs in Node too (tests),
 * given a backend initializer. Gradients must be registered by the entry (train-worker.ts imports
 * '../core/train/gradients'; Node tests do the same).
 */
import type { BackendName, BackendReport } from '../core/backend/index';
import { InputError } from '../core/errors';
import { fastBatchMatMulActive } from '../core/kernels/batch-matmul';
import { filesFromMap } from '../core/io/files';
import { resolveRlOptions, type RlOptions, parseStrategy } from '../core/rl/options';
import { RlRun, type RunResume } from '../core/rl/run';
import type { Tokenizer } from '../core/tokenizer/types';
import { checkpointFiles, loadCheckpoint, type LoadedCheckpoint } from '../core/train/checkpoint';
import { checkTaskFit, checkVocabCovers, tokenizerFilesOf } from '../core/train/folder';
import { writeSafetensors } from '../core/io/safetensors';
import type { ModelConfig } from '../core/model/types';
import type { TestHooks } from '../core/rl/update';
import type { Handlers } from './host';
import type { ModelFolderBytes, RunOutcome, RunRef, StartParams, TrainModel, TrainOperations } from './train-protocol';
import { beforeAfterRhythm } from './train-rhythm';

export interface TrainDeps {
  initBackend(requested: BackendName | 'auto'): Promise<BackendReport>;
  /** Node tests only: e.g. a reward with spread on a random tiny model. */
  testHooks?: TestHooks;
}

/** The starting model (any family), kept for every run of a comparison and for the before/after view. */
export interface BaseModel {
  name: string;
  config: ModelConfig;
  tokenizer: Tokenizer;
  /** The folder as given: config.json, weights (single file or shards), tokenizer files. */
  files: ModelFolderBytes;
  weights: LoadedCheckpoint['weights'];
  /** Adam's state when the folder is a checkpoint being resumed. */
  optimizer?: LoadedCheckpoint['optimizer'];
  /** Set when this is a resumed run's checkpoint, not the comparison's starting model. */
  resumedAt?: number;
}

interface Finished {
  ref: RunRef;
  step: number;
  files: ModelFolderBytes;
  options: RlOptions;
}

export interface TrainEngine {
  handlers: Handlers<TrainOperations>;
  /** Whether a comparison is running (tests). */
  busy(): boolean;
}

/** The comparison's runs (strategy-major) and their options; InputError naming the field on bad input. */
export function planRuns(params: Pick<StartParams, 'options' | 'strategies' | 'seeds'>): {
  runs: RunRef[];
  options: RlOptions[];
} {
  if (!Array.isArray(params.strategies) || params.strategies.length === 0) {
    throw new InputError('choose at least one strategy', { field: 'strategy' });
  }
  if (!Array.isArray(params.seeds) || params.seeds.length === 0)
    throw new InputError('give at least one seed', { field: 'seed' });
  const strategies = [...new Set(params.strategies.map(parseStrategy))];
  const seeds = [...new Set(params.seeds)];
  const runs: RunRef[] = [];
  const options: RlOptions[] = [];
  for (const strategy of strategies) {
    for (const seed of seeds) {
      options.push(resolveRlOptions({ ...params.options, strategy, seed }));
      runs.push({ index: runs.length, key: `${strategy}-s${seed}`, strategy, seed });
    }
  }
  return { runs, options };
}

export async function loadBaseModel(model: TrainModel): Promise<BaseModel> {
  const files: ModelFolderBytes = {};
  for (const [path, buf] of Object.entries(model.files)) files[path] = new Uint8Array(buf);
  const ck = await loadCheckpoint(filesFromMap(model.name, files));
  checkVocabCovers(ck.config, ck.tokenizer, model.name);
  if (ck.tokenizer.eosId === undefined) {
    const file = ck.tokenizer.kind === 'char' ? 'char_vocab.json' : 'tokenizer.json';
    throw new InputError('RL needs a vocabulary with an end token', { file: `${model.name}/${file}` });
  }
  return {
    name: model.name,
    config: ck.config,
    tokenizer: ck.tokenizer,
    files,
    weights: ck.weights,
    optimizer: ck.optimizer,
  };
}

/** The run to continue and how: its options re-validated, Adam's state from the checkpoint folder. */
function planResume(params: StartParams, base: BaseModel): { ref: RunRef; options: RlOptions; resume: RunResume } {
  const r = params.resume!;
  const options = resolveRlOptions(r.options);
  if (!base.optimizer)
    throw new InputError('missing file: a run resumes only from a checkpoint with its optimizer state', {
      file: `${base.name}/optimizer.safetensors`,
    });
  if (!Number.isInteger(r.step) || r.step < 1 || r.step >= options.steps) {
    throw new InputError(
      `must be a whole number from 1 to ${options.steps - 1} (a finished run has nothing to resume), got ${r.step}`,
      { field: 'step' },
    );
  }
  return {
    ref: r.run,
    options,
    resume: { step: r.step, adamStep: r.adamStep, optimizer: base.optimizer, initialAccuracy: r.initialAccuracy },
  };
}

/** Waits `ms` (tests' step delay), released early by an abort. */
function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal.addEventListener('abort', done);
  });
}

export function createTrainEngine(deps: TrainDeps): TrainEngine {
  let backend: BackendReport | null = null;
  let base: BaseModel | null = null;
  let active: { run: RlRun; ref: RunRef; options: RlOptions } | null = null;
  let paused = false;
  const finished = new Map<number, Finished>();

  const folderOf = (run: RlRun): ModelFolderBytes => {
    if (!base) throw new Error('no starting model');
    return checkpointFiles(base.config, run.trainer.weights(), tokenizerFilesOf(base.files));
  };
  /** A checkpoint's files: the model folder, plus Adam's state while the run can still be resumed. */
  const checkpointOf = (run: RlRun, model = folderOf(run)): { files: ModelFolderBytes; adamStep?: number } => {
    const t = run.trainer;
    if (t.step >= t.options.steps) return { files: model };
    return {
      files: { ...model, 'optimizer.safetensors': writeSafetensors(t.adam.stateArrays()) },
      adamStep: t.adam.step,
    };
  };

  /** The active run when it is the one asked for (or none is named), else a finished one. */
  const pick = (index?: number): Finished => {
    if (active && (index === undefined || index === active.ref.index)) {
      return { ref: active.ref, step: active.run.trainer.step, files: folderOf(active.run), options: active.options };
    }
    const i = index ?? Math.max(-1, ...finished.keys());
    const f = finished.get(i);
    if (!f)
      throw new InputError(index === undefined ? 'no run to export yet: start training first' : `no run ${index}`, {
        field: 'run',
      });
    return f;
  };

  const handlers: Handlers<TrainOperations> = {
    async init({ backend: requested }) {
      if (backend && requested !== backend.requested)
        throw new Error('init: backend change; restart the training worker');
      backend = await deps.initBackend(requested);
      return { ...backend, simdAttention: fastBatchMatMulActive() };
    },

    async start(params, ctx) {
      if (!backend) throw new Error('start: call init first');
      if (active) throw new InputError('a training run is already going', { field: 'start' });
      const every = params.checkpointEvery ?? 0;
      if (!Number.isInteger(every) || every < 0)
        throw new InputError('must be a whole number ≥ 0', { field: 'checkpointEvery' });
      ctx.progress(0, 'loading the starting model');
      const loaded = await loadBaseModel(params.model);
      const resumed = params.resume ? planResume(params, loaded) : null;
      const plan = resumed ? { runs: [resumed.ref], options: [resumed.options] } : planRuns(params);
      const { task, level } = plan.options[0];
      checkTaskFit(loaded.config, loaded.tokenizer, [{ task, level, weight: 1 }], loaded.name);
      base = { ...loaded, resumedAt: resumed?.resume.step };
      const delayMs = params.stepDelayMs ?? 0;
      finished.clear();
      paused = false;
      const steps = plan.options[0].steps;
      ctx.emit({ kind: 'plan', runs: plan.runs, steps, options: plan.options });
      const outcomes: RunOutcome[] = [];
      for (const [i, ref] of plan.runs.entries()) {
        if (ctx.signal.aborted) break;
        const options = plan.options[i];
        const run = new RlRun(
          { config: base.config, weights: base.weights, tokenizer: base.tokenizer },
          options,
          deps.testHooks,
          resumed?.resume,
        );
        active = { run, ref, options };
        if (paused) run.pause();
        try {
          ctx.emit({ kind: 'run-start', run: ref });
          const summary = await run.run({
            signal: ctx.signal,
            onLine: (line) => {
              ctx.emit({ kind: 'line', run: ref, line });
              if (every > 0 && line.step % every === 0 && line.step < steps) {
                ctx.emit({ kind: 'checkpoint', run: ref, step: line.step, ...checkpointOf(run), final: false });
              }
            },
            onStart: (initialAccuracy) => ctx.emit({ kind: 'run-evaluated', run: ref, initialAccuracy }),
            afterStep: delayMs > 0 ? () => delay(delayMs, ctx.signal) : undefined,
            onProgress: (f, message) =>
              ctx.progress((i + f) / plan.runs.length, `run ${i + 1}/${plan.runs.length} (${ref.key}): ${message}`),
          });
          const files = folderOf(run);
          finished.set(i, { ref, step: summary.steps, files, options });
          const outcome: RunOutcome = {
            run: ref,
            steps: summary.steps,
            aborted: summary.aborted,
            initialAccuracy: summary.initialAccuracy,
            finalAccuracy: summary.finalAccuracy,
          };
          outcomes.push(outcome);
          // run-end first: the page stores the final checkpoint with the starting model's accuracy.
          ctx.emit({ kind: 'run-end', outcome });
          if (summary.steps > 0)
            ctx.emit({ kind: 'checkpoint', run: ref, step: summary.steps, ...checkpointOf(run, files), final: true });
        } finally {
          active = null;
          run.dispose();
        }
      }
      paused = false;
      return { runs: outcomes, cancelled: ctx.signal.aborted };
    },

    /** Answers once the pause holds: the step in flight (if any) has finished, so nothing runs until resume. */
    async pause() {
      paused = true;
      active?.run.pause();
      await active?.run.paused();
      return { paused };
    },

    async resume() {
      paused = false;
      active?.run.resume();
      return { paused };
    },

    async exportRun({ run }) {
      const f = pick(run);
      // The host transfers result buffers: hand out copies so the kept run stays readable.
      const files: ModelFolderBytes = {};
      for (const [k, v] of Object.entries(f.files)) files[k] = v.slice();
      return { run: f.ref, step: f.step, files };
    },

    async beforeAfter({ run, prompt }, ctx) {
      if (!base) throw new InputError('train a model first', { field: 'run' });
      if (base.resumedAt !== undefined) {
        throw new InputError(
          `a resumed run has no starting model to compare with (it continued from a checkpoint at step ${base.resumedAt})`,
          { field: 'run' },
        );
      }
      const f = pick(run);
      return beforeAfterRhythm(base, f, prompt, ctx.signal);
    },
  };

  return { handlers, busy: () => active !== null };
}
