/**
 * GRPO with attention-weighted credit (method.md §4), one step at a time:
 *   rollout   prompts × G samples, batched KV-cache decoding on the live weights; rewards from the verifier;
 *   attention one no-grad forward with capture → rhythm records → γ (strategies other than uniform);
 *   update    Ã = γ·Â + b per token, PPO-clip (token mean per response), micro-batches, Adam, norm clipping.
 * The credit assembly lives in trainer-credit.ts (advantages, batch credit, row selection, Ã per token) and
 * trainer-attention.ts (attention pass fused with π_old); the public types in trainer-types.ts.
 * Pure src/core code: runs in Node and in a Web Worker; async so it yields; seeded, so a seed repeats a run.
 * A NaN/Inf loss or gradient aborts the step's update and restores the weights and optimizer from its start.
 */
import { InputError } from '../errors';
import type { ModelConfig } from '../model/types';
import { resolveOptions, type RhythmOptions } from '../rhythm/options';
import { generateProblem, mixSeed, verifyCompletion, type Problem } from '../tasks/index';
import type { Tokenizer } from '../tokenizer/types';
import { Adam, DEFAULT_ADAM, type AdamConfig } from '../train/adam';
import { heldOutProblems } from '../train/data';
import type { NamedArray } from '../train/gpt2-train';
import { createPolicy, policyParamShapes, type TrainablePolicy } from '../train/policy';
import { fillAdvantages } from './batch';
import { BatchedLM } from './batched';
import type { CreditRow } from './credit';
import type { RlOptions } from './options';
import { sampleRows } from './rollout';
import type { RunLogLine } from './runlog';
import { prepareUpdate } from './trainer-attention';
import {
  batchCredit,
  countZeroGroups,
  groupAdvantages,
  meanTokenMean,
  rowTokenAdvantages,
  selectRows,
} from './trainer-credit';
import { EVAL_SEED, type PolicyInit, type Rollout, type TrainerCheckpoint, type TrainerResume } from './trainer-types';
import { disposeOldPolicy, ppoUpdate, type OldPolicy, type TestHooks, type UpdateResult } from './update';

export { EVAL_SEED, type PolicyInit, type Rollout, type TrainerCheckpoint, type TrainerResume } from './trainer-types';

export class RlTrainer {
  readonly options: RlOptions;
  readonly tokenizer: Tokenizer;
  readonly policy: TrainablePolicy;
  readonly adam: Adam;
  /** Frozen starting weights, only when a KL term is asked for. */
  readonly reference?: TrainablePolicy;
  private readonly sampler: BatchedLM;
  private readonly eosId: number;
  private stepIndex = 0;
  private testHooks: TestHooks;
  /** The rhythm options resolved once (validation up front; std and HICRA coefficient read from here). */
  readonly rhythm: RhythmOptions;

  constructor(init: PolicyInit, options: RlOptions, testHooks: TestHooks = {}, resume?: TrainerResume) {
    if (init.tokenizer.eosId === undefined) throw new Error('RL needs a tokenizer with an end token');
    if (resume) checkResume(resume, options, init.config);
    this.options = options;
    this.tokenizer = init.tokenizer;
    this.eosId = init.tokenizer.eosId;
    this.testHooks = testHooks;
    this.rhythm = resolveOptions(options.rhythm);
    this.policy = createPolicy(init.config, init.weights);
    if (options.klCoef > 0) this.reference = createPolicy(init.config, resume?.reference ?? init.weights);
    // Constant learning rate, no weight decay: RL fine-tuning of a trained model.
    const adam: AdamConfig = {
      ...DEFAULT_ADAM,
      lr: options.lr,
      warmupSteps: 0,
      minLrFraction: 1,
      weightDecay: 0,
      clipNorm: options.clipNorm,
      totalSteps: options.steps,
    };
    this.adam = new Adam(adam);
    this.sampler = new BatchedLM(init.config, this.policy.vars);
    if (resume) {
      this.adam.loadState(resume.optimizer, resume.adamStep);
      this.stepIndex = resume.step;
    }
  }

  /** The state to resume from later (between steps): weights, Adam moments and counters. */
  checkpoint(): TrainerCheckpoint {
    return {
      step: this.stepIndex,
      adamStep: this.adam.step,
      weights: this.weights(),
      optimizer: this.adam.stateArrays(),
    };
  }

  /** Steps done. */
  get step(): number {
    return this.stepIndex;
  }

  /** The problems of step `step` (depend only on seed, task, level and step). */
  problemsAt(step: number): Problem[] {
    const { task, level, prompts, seed } = this.options;
    const base = mixSeed(seed, step);
    return Array.from({ length: prompts }, (_, i) => generateProblem(task, level, base, i));
  }

  private completion(ids: number[]): string {
    const body = ids[ids.length - 1] === this.eosId ? ids.slice(0, -1) : ids;
    return this.tokenizer.decode(body);
  }

  /** G samples per prompt, verified. */
  async rollout(problems: Problem[], signal?: AbortSignal): Promise<Rollout | null> {
    const { group: G, temperature, maxTokens, seed, task, formatCredit } = this.options;
    const promptIds = problems.map((p) => this.tokenizer.encodePrompt(p.prompt));
    const rows = promptIds.flatMap((p) => Array.from({ length: G }, () => p));
    const base = mixSeed(seed ^ 0x2545f491, this.stepIndex);
    const seeds = rows.map((_, r) => mixSeed(base, r));
    const res = await sampleRows(this.sampler, rows, { maxTokens, temperature, seeds, eosId: this.eosId, signal });
    if (res.aborted) return null;
    const verdicts = res.responses.map((ids, r) =>
      verifyCompletion(task, problems[Math.floor(r / G)].prompt, this.completion(ids), { formatCredit }),
    );
    const custom = this.testHooks.reward;
    const rewards = custom
      ? res.responses.map((ids, r) => custom(problems[Math.floor(r / G)].prompt, this.completion(ids)))
      : verdicts.map((v) => v.reward);
    rewards.forEach((x, r) => {
      if (!Number.isFinite(x)) throw new Error(`reward of row ${r} is not a finite number (${x})`);
    });
    return {
      problems,
      promptIds,
      responses: res.responses,
      rewards,
      verdicts,
      logprobs: res.logprobs,
      entropies: res.entropies,
    };
  }

  /** One RL step. Returns null when aborted (nothing changed). */
  async trainStep(signal?: AbortSignal): Promise<RunLogLine | null> {
    const o = this.options;
    const G = o.group;
    const t0 = performance.now();
    const ro = await this.rollout(this.problemsAt(this.stepIndex), signal);
    if (!ro) return null;
    const t1 = performance.now();

    const adv = groupAdvantages(ro.rewards, G, this.rhythm.advantageStd);
    const rows = ro.responses.map((resp, r) => [...ro.promptIds[Math.floor(r / G)], ...resp]);
    const promptLengths = ro.responses.map((_, r) => ro.promptIds[Math.floor(r / G)].length);
    const c0 = performance.now();
    const rowCredit = batchCredit(o, ro, this.rhythm.advantageStd, this.tokenizer, this.eosId);
    const batchCreditMs = performance.now() - c0;
    const sel = selectRows(o, adv, rowCredit);
    const creditRow = (r: number): CreditRow => ({
      ids: rows[r],
      promptLength: promptLengths[r],
      tokens: rows[r].map((id) => this.tokenizer.tokenString(id)),
      seed: mixSeed(o.seed ^ 0x68e31da4, this.stepIndex * 65536 + r),
    });
    const stepRows = { rows, promptLengths, logprobs: ro.logprobs, entropies: ro.entropies };
    const prep = prepareUpdate(this, this.sampler, o, stepRows, sel, creditRow, this.eosId);
    let oldPolicy: OldPolicy | undefined = prep.oldPolicy;
    let upd: UpdateResult = {
      loss: 0,
      clipFraction: 0,
      kl: 0,
      entropy: NaN,
      gradNorm: 0,
      firstRatioDev: 0,
      aborted: false,
    };
    let counts = { amplified: 0, responseTokens: 0 };
    let t2 = 0;
    let t3 = 0;
    try {
      t2 = performance.now();
      const { tokenAdv, ...c } = rowTokenAdvantages(
        o,
        ro.responses,
        adv,
        prep.records,
        rowCredit,
        this.rhythm.hicraCoef,
      );
      counts = c;
      t3 = performance.now();
      if (prep.batch && oldPolicy) {
        const kept = sel.keep.map((r) => tokenAdv[r]);
        fillAdvantages(prep.batch, prep.keptRows, prep.keptPromptLengths, kept);
        const prepared = oldPolicy;
        oldPolicy = undefined; // ppoUpdate owns it now
        upd = ppoUpdate(this, prep.batch, this.stepIndex, this.testHooks, prepared);
      }
    } finally {
      if (oldPolicy) disposeOldPolicy(oldPolicy);
    }
    const t4 = performance.now();
    this.stepIndex++;

    const meanReward = ro.rewards.reduce((a, b) => a + b, 0) / ro.rewards.length;
    const { amplified, responseTokens } = counts;
    return {
      step: this.stepIndex,
      strategy: o.strategy,
      seed: o.seed,
      mean_reward: meanReward,
      accuracy: ro.verdicts.filter((v) => v.correct).length / ro.verdicts.length,
      mean_length: responseTokens / ro.responses.length,
      entropy: meanTokenMean(ro.entropies),
      amplified_share: responseTokens ? amplified / responseTokens : 0,
      clip_fraction: upd.clipFraction,
      loss: upd.loss,
      kl: upd.kl,
      grad_norm: upd.gradNorm,
      first_ratio_dev: upd.firstRatioDev,
      zero_adv_groups: countZeroGroups(adv, G),
      analyzed_rows: sel.separate.length + sel.fused.length,
      updated_rows: sel.keep.length,
      nan_abort: upd.aborted,
      ...(upd.aborted ? { error: upd.error } : {}),
      time_ms: {
        rollout: round(t1 - t0),
        attention: round(prep.attentionMs),
        metrics: round(prep.metricsMs + batchCreditMs + (t3 - t2)),
        update: round(prep.oldMs + t4 - t3),
        total: round(t4 - t0),
      },
    };
  }

  /** Greedy accuracy on the fixed held-out problems of the run's task and level. */
  async evaluate(signal?: AbortSignal): Promise<number | null> {
    const o = this.options;
    if (o.evalProblems === 0) return null;
    const problems = heldOutProblems({ task: o.task, level: o.level, weight: 1 }, o.evalProblems, EVAL_SEED);
    const prompts = problems.map((p) => this.tokenizer.encodePrompt(p.prompt));
    const res = await sampleRows(this.sampler, prompts, {
      maxTokens: o.maxTokens,
      temperature: 0,
      seeds: prompts.map(() => 0),
      eosId: this.eosId,
      signal,
    });
    if (res.aborted) return null;
    const correct = res.responses.filter(
      (ids, i) => verifyCompletion(o.task, problems[i].prompt, this.completion(ids)).correct,
    ).length;
    return correct / problems.length;
  }

  /** Current weights (HF names, tied head), e.g. for checkpointFiles(). */
  weights(): NamedArray[] {
    return this.policy.toArrays();
  }

  dispose(): void {
    this.adam.dispose();
    this.policy.dispose();
    this.reference?.dispose();
  }
}

function checkResume(r: TrainerResume, o: RlOptions, config: ModelConfig): void {
  if (!Number.isInteger(r.step) || r.step < 0 || r.step > o.steps)
    throw new InputError(`must be a whole number from 0 to steps (${o.steps}), got ${r.step}`, { field: 'step' });
  if (!Number.isInteger(r.adamStep) || r.adamStep < 0)
    throw new InputError(`must be a whole number ≥ 0, got ${r.adamStep}`, { field: 'adamStep' });
  if (o.klCoef > 0 && !r.reference)
    throw new InputError('a run with a KL term resumes only with its starting weights (the KL reference)', {
      field: 'reference',
    });
  const shapes = new Map(policyParamShapes(config).map((p) => [p.name, p.shape.join(',')]));
  for (const a of r.optimizer) {
    const shape = shapes.get(a.name.replace(/^[mv]\./, ''));
    if (
      !/^[mv]\./.test(a.name) ||
      shape !== a.shape.join(',') ||
      a.data.length !== a.shape.reduce((x, y) => x * y, 1)
    ) {
      throw new InputError(`optimizer tensor ${a.name} [${a.shape}] matches no parameter of the model`, {
        file: 'optimizer.safetensors',
        field: a.name,
      });
    }
  }
}

const round = (ms: number): number => Math.round(ms * 10) / 10;
