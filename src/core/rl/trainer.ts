/**
 * GRPO with attention-weighted credit (method.md §4), one step at a time:
 *   rollout   prompts × G samples, batched KV-cache decoding on the live weights; rewards from the verifier;
 *   attention one no-grad forward with capture → rhythm records → γ (strategies other than uniform);
 *   update    Ã = γ·Â per token, PPO-clip (token mean per response), micro-batches, Adam, norm clipping.
 * Pure src/core code: runs in Node and in a Web Worker; async so it yields; seeded, so a seed repeats a run.
 * A NaN/Inf loss or gradient aborts the step's update and restores the weights and optimizer from its start.
 */
import { InputError } from '../errors';
import type { ModelConfig } from '../model/types';
import { grpoAdvantages } from '../rhythm/credit';
import { resolveOptions, type RhythmOptions } from '../rhythm/options';
import { generateProblem, mixSeed, type Problem, type VerifyResult } from '../tasks/index';
import { verifyCompletion } from '../tasks/index';
import type { Tokenizer } from '../tokenizer/types';
import { Adam, DEFAULT_ADAM, type AdamConfig } from '../train/adam';
import { heldOutProblems } from '../train/data';
import type { NamedArray } from '../train/gpt2-train';
import { createPolicy, policyParamShapes, type TrainablePolicy } from '../train/policy';
import { fillAdvantages, makePolicyBatch } from './batch';
import { BatchedLM } from './batched';
import {
  amplifiedCount,
  attentionCredit,
  CreditAnalyzer,
  tokenAdvantages,
  type CreditRow,
  type RowCredit,
} from './credit';
import { entropyMinorityMask, strategicGramMask, tempoTerms } from './token-credit';
import { needsAttention, type RlOptions } from './options';
import { sampleRows } from './rollout';
import type { RunLogLine } from './runlog';
import {
  computeOldPolicy,
  disposeOldPolicy,
  ppoUpdate,
  type OldPolicy,
  type TestHooks,
  type UpdateResult,
} from './update';

export interface PolicyInit {
  config: ModelConfig;
  /** HF names (with or without "transformer."), tied head. */
  weights: NamedArray[];
  tokenizer: Tokenizer;
}

/**
 * Where a resumed run starts: the state an uninterrupted run had after `step` steps (weights come in PolicyInit).
 * Problems and sampling seeds depend only on seed and step, so the continuation equals the uninterrupted run.
 */
export interface TrainerResume {
  /** RL steps done. */
  step: number;
  /** Adam's moments as `m.<param>` / `v.<param>` (HF names), from `adam.stateArrays()`. */
  optimizer: NamedArray[];
  /** Adam updates applied so far (micro-steps, not RL steps): the bias correction depends on it. */
  adamStep: number;
  /** The original run's starting weights: the KL reference, required when klCoef > 0. */
  reference?: NamedArray[];
}

/** Everything a resume needs, taken between steps. */
export interface TrainerCheckpoint {
  step: number;
  adamStep: number;
  weights: NamedArray[];
  optimizer: NamedArray[];
}

/** Seed of the held-out problems: fixed, so every run of an experiment is scored on the same problems. */
export const EVAL_SEED = 20260;

export interface Rollout {
  problems: Problem[];
  /** prompt ids per prompt. */
  promptIds: number[][];
  /** Row r = sample r % G of prompt ⌊r / G⌋. */
  responses: number[][];
  rewards: number[];
  verdicts: VerifyResult[];
  /** Sampler log-probs and entropies per response token. */
  logprobs: number[][];
  entropies: number[][];
}

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
    const promptIds = problems.map((p) => this.tokenizer.encode(p.prompt));
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

    // GRPO advantages per group; all-equal rewards give exactly 0.
    const adv: number[] = [];
    for (let i = 0; i < ro.problems.length; i++)
      adv.push(...grpoAdvantages(ro.rewards.slice(i * G, (i + 1) * G), this.rhythm.advantageStd));
    const rows = ro.responses.map((resp, r) => [...ro.promptIds[Math.floor(r / G)], ...resp]);
    const promptLengths = ro.responses.map((_, r) => ro.promptIds[Math.floor(r / G)].length);

    // Rows whose credit depends on the attention pass, and rows the update uses: those with Â = 0 carry no
    // gradient without a KL or entropy term and are dropped (see zeroAdvantageRows).
    const c0 = performance.now();
    const rowCredit = batchCredit(o, ro, this.rhythm.advantageStd);
    const batchCreditMs = performance.now() - c0;
    // A TEMPO row whose reward is the group mean has Â = 0 but can still carry prefix-tree credit.
    const hasSignal = (r: number) => adv[r] !== 0 || (rowCredit[r].tempo?.some((x) => x !== 0) ?? false);
    const want = ro.responses.map(
      (_, r) => needsAttention(o.strategy, o.planningSet) && (o.attentionPass === 'always' || adv[r] !== 0),
    );
    const keepAll = o.zeroAdvantageRows === 'keep' || o.klCoef > 0 || o.entropyCoef > 0;
    const keep = rows.flatMap((_, r) => (keepAll || hasSignal(r) ? [r] : []));
    // Fused pass: rows that are both analyzed and updated take their maps from the update's π_old forward (same
    // weights, same tokens), so the attention pass costs no forward of its own; other analyzed rows get one.
    const fuse = o.oldLogProbs === 'recompute';
    const fused = fuse ? keep.filter((r) => want[r]) : [];
    const fusedSet = new Set(fused);
    const separate = want.flatMap((w, r) => (w && !fusedSet.has(r) ? [r] : []));
    const creditRow = (r: number): CreditRow => ({
      ids: rows[r],
      promptLength: promptLengths[r],
      tokens: rows[r].map((id) => this.tokenizer.tokenString(id)),
      seed: mixSeed(o.seed ^ 0x68e31da4, this.stepIndex * 65536 + r),
    });
    const pass = attentionCredit(this.sampler, separate.map(creditRow), o.rhythm, o.temperature);
    const records = new Map(separate.map((r, i) => [r, pass.records[i]]));
    let attentionMs = pass.attentionMs;
    let metricsMs = pass.metricsMs + batchCreditMs;

    const pick = <T>(xs: T[]) => keep.map((r) => xs[r]);
    const rollout =
      o.oldLogProbs === 'rollout' && keep.length > 0
        ? { logprobs: pick(ro.logprobs), entropies: pick(ro.entropies) }
        : undefined;
    const keptRows = pick(rows);
    const keptPromptLengths = pick(promptLengths);
    const batch =
      keep.length > 0 ? makePolicyBatch(keptRows, keptPromptLengths, null, this.eosId, rollout, fuse) : undefined;
    let oldPolicy: OldPolicy | undefined;
    let oldMs = 0;
    if (batch) {
      const analyzer =
        fused.length > 0
          ? new CreditAnalyzer(fused.map(creditRow), o.rhythm, this.policy.config.n_head, this.policy.config.n_layer)
          : undefined;
      // Batch row -> analyzer row: `fused` is `keep` filtered in order, so analyzer rows count up along the batch.
      let next = 0;
      const slot = keep.map((r) => (fusedSet.has(r) ? next++ : -1));
      let captureMs = 0;
      const timed = (f: () => void) => {
        const c0 = performance.now();
        f();
        captureMs += performance.now() - c0;
      };
      const o0 = performance.now();
      try {
        oldPolicy = computeOldPolicy(
          this,
          batch,
          analyzer && {
            onLayer: (layer, probs, from, to) =>
              timed(() => analyzer.addLayer(layer, probs, slot.slice(from, to), batch.T)),
            onEntropy: (h, from, to) =>
              timed(() => slot.slice(from, to).forEach((i, j) => i >= 0 && analyzer.setEntropy(i, h, j * batch.T))),
          },
        );
      } catch (e) {
        analyzer?.dispose();
        throw e;
      }
      oldMs = performance.now() - o0 - captureMs;
      attentionMs += captureMs;
      if (analyzer) {
        const m0 = performance.now();
        analyzer.finish().forEach((rec, i) => records.set(fused[i], rec));
        metricsMs += performance.now() - m0;
      }
    }
    let upd: UpdateResult = {
      loss: 0,
      clipFraction: 0,
      kl: 0,
      entropy: NaN,
      gradNorm: 0,
      firstRatioDev: 0,
      aborted: false,
    };
    let amplified = 0;
    let responseTokens = 0;
    let t2 = 0;
    let t3 = 0;
    try {
      const hicraCoef = this.rhythm.hicraCoef;
      t2 = performance.now();
      const tokenAdv = ro.responses.map((resp, r) =>
        tokenAdvantages(o.strategy, adv[r], resp.length, records.get(r), hicraCoef, o.creditSign, rowCredit[r]),
      );
      ro.responses.forEach((resp, r) => {
        responseTokens += resp.length;
        amplified += amplifiedCount(o.strategy, records.get(r), rowCredit[r]);
      });
      t3 = performance.now();
      if (batch && oldPolicy) {
        fillAdvantages(batch, keptRows, keptPromptLengths, pick(tokenAdv));
        const prepared = oldPolicy;
        oldPolicy = undefined; // ppoUpdate owns it now
        upd = ppoUpdate(this, batch, this.stepIndex, this.testHooks, prepared);
      }
    } finally {
      if (oldPolicy) disposeOldPolicy(oldPolicy);
    }
    const t4 = performance.now();
    this.stepIndex++;

    const meanReward = ro.rewards.reduce((a, b) => a + b, 0) / ro.rewards.length;
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
      analyzed_rows: separate.length + fused.length,
      updated_rows: keep.length,
      nan_abort: upd.aborted,
      ...(upd.aborted ? { error: upd.error } : {}),
      time_ms: {
        rollout: round(t1 - t0),
        attention: round(attentionMs),
        metrics: round(metricsMs + (t3 - t2)),
        update: round(oldMs + t4 - t3),
        total: round(t4 - t0),
      },
    };
  }

  /** Greedy accuracy on the fixed held-out problems of the run's task and level. */
  async evaluate(signal?: AbortSignal): Promise<number | null> {
    const o = this.options;
    if (o.evalProblems === 0) return null;
    const problems = heldOutProblems({ task: o.task, level: o.level, weight: 1 }, o.evalProblems, EVAL_SEED);
    const prompts = problems.map((p) => this.tokenizer.encode(p.prompt));
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

/** The credit inputs computed from the whole step's rollouts: TEMPO per group, entropy minority and strategic grams per batch. */
function batchCredit(o: RlOptions, ro: Rollout, std: 'population' | 'sample'): RowCredit[] {
  const G = o.group;
  const out: RowCredit[] = ro.responses.map(() => ({}));
  if (o.strategy === 'tempo') {
    for (let i = 0; i < ro.problems.length; i++) {
      const terms = tempoTerms(ro.responses.slice(i * G, (i + 1) * G), ro.rewards.slice(i * G, (i + 1) * G), std);
      terms.forEach((t, j) => (out[i * G + j].tempo = t));
    }
  } else if (o.strategy === 'entropy_minority') {
    entropyMinorityMask(ro.entropies, 0.2).forEach((m, r) => (out[r].minority = m));
  } else if (o.strategy === 'hicra' && o.planningSet === 'grams') {
    strategicGramMask(ro.responses, 0.2).forEach((m, r) => (out[r].planning = m));
  }
  return out;
}

function countZeroGroups(adv: number[], G: number): number {
  let n = 0;
  for (let i = 0; i < adv.length; i += G) if (adv.slice(i, i + G).every((a) => a === 0)) n++;
  return n;
}

/** Token mean within each response, then mean over responses. */
function meanTokenMean(perToken: number[][]): number {
  const rows = perToken.filter((x) => x.length > 0);
  return rows.reduce((a, x) => a + x.reduce((b, y) => b + y, 0) / x.length, 0) / Math.max(rows.length, 1);
}

const round = (ms: number): number => Math.round(ms * 10) / 10;
