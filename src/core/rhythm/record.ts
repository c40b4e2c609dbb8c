/**
 * The analysis record of formats.md (one JSON object per sequence) built from a HeadCache, and GRPO groups.
 */
import { InputError } from '../errors';
import { groupKey } from '../io/jsonl';
import type { HeadCache } from './accumulator';
import { creditGammas, grpoAdvantages, shapeAdvantage, type Gammas, type ShapedAdvantage } from './credit';
import { headMean, linkage, rhythmRoles, selectHeads, type Linkage } from './metrics';
import {
  ceilFraction,
  MAP_OPTIONS,
  resolveOptions,
  type HeadRef,
  type LayerChoice,
  type RhythmOptions,
} from './options';
import { receiverHeads } from './receiver';

/** `options` of a record: the option values as given (H_hi = Infinity is written "Infinity"); feeds back into resolveOptions. */
export type RecordOptions = Omit<RhythmOptions, 'H_hi'> & { H_hi: number | 'Infinity'; layers: LayerChoice };

export interface AnalysisRecord {
  prompt_length: number;
  tokens: string[];
  token_ids?: number[];
  layers: number[];
  /** `receiver`: the receiver heads (receiver.ts), `kurtosis`: [l, h, κ] of every selected head (κ = −∞ written as null). */
  heads: {
    local: HeadRef[];
    global: HeadRef[];
    span: [number, number, number][];
    receiver?: HeadRef[];
    kurtosis?: [number, number, number | null][];
  };
  waad: number[];
  /** FAI over the heads the `faiHeads` option names (global by default). */
  fai: number[];
  /** FAI over the receiver heads (always written by analyzeCache; absent in records from older files). */
  fai_receiver?: number[];
  /** FAI over the global heads, present when `fai` is over the receiver heads. */
  fai_global?: number[];
  delta: number[];
  preplan: boolean[];
  anchor: boolean[];
  dominated: boolean[];
  intro: boolean[];
  entropy?: number[];
  gamma: Gammas;
  options: RecordOptions;
  /** Thresholds actually used (the resolved 'median' / 'min-preplan' values). */
  tau_waad: number;
  tau_delta: number;
  linkage: Linkage;
  num_layers: number;
  num_heads: number;
  model?: string;
  reward?: number;
  group?: string | number;
  advantage?: number;
  shaped_advantage?: ShapedAdvantage;
}

export interface SequenceInfo {
  tokens: string[];
  tokenIds?: number[];
  /** Layer count of the model (for the layer rule); default: 1 + the largest cached layer index. */
  numLayers?: number;
  /** Per-response predictive entropy (see responseEntropy). */
  entropy?: number[];
  model?: string;
}

export function recordOptions(o: RhythmOptions): RecordOptions {
  return { ...o, H_hi: o.H_hi === Infinity ? 'Infinity' : o.H_hi };
}

/** Everything of method.md §1–§4 from the cached per-head vectors. Map options come from the cache. */
export function analyzeCache(
  cache: HeadCache,
  info: SequenceInfo,
  options: Partial<RhythmOptions> = {},
): AnalysisRecord {
  const given = resolveOptions(options);
  for (const key of MAP_OPTIONS) {
    if (options[key] !== undefined && given[key] !== cache.mapOptions[key]) {
      throw new InputError(
        `option ${key} = ${given[key]} differs from the cached pass (${cache.mapOptions[key]}); rerun the attention pass (see needsMaps)`,
        { field: key },
      );
    }
  }
  const opts: RhythmOptions = { ...given, ...cache.mapOptions };
  const N = cache.seqLen;
  const p = cache.promptLength;
  const r = N - p;
  if (info.tokens.length !== N)
    throw new InputError(`tokens has ${info.tokens.length} entries, expected ${N}`, { field: 'tokens' });
  if (info.tokenIds && info.tokenIds.length !== N)
    throw new InputError(`token_ids has ${info.tokenIds.length} entries, expected ${N}`, { field: 'token_ids' });
  if (info.entropy && info.entropy.length !== r)
    throw new InputError(`entropy has ${info.entropy.length} entries, expected ${r}`, { field: 'entropy' });
  const numLayers = info.numLayers ?? Math.max(...cache.layers.keys()) + 1;
  const sel = selectHeads(cache, numLayers, opts);
  const waad = headMean(cache, sel.local, 'waad');
  const faiGlobal = headMean(cache, sel.global, 'fai');
  const candidates = sel.spans.map((s): HeadRef => [s.layer, s.head]);
  const receivers = receiverHeads(cache, candidates, ceilFraction(opts.headFraction, candidates.length));
  const faiReceiver = headMean(cache, receivers.heads, 'fai');
  const fai = opts.faiHeads === 'receiver' ? faiReceiver : faiGlobal;
  const roles = rhythmRoles(waad, fai, opts);
  const record: AnalysisRecord = {
    prompt_length: p,
    tokens: info.tokens,
    ...(info.tokenIds ? { token_ids: info.tokenIds } : {}),
    layers: sel.layers,
    heads: {
      local: sel.local,
      global: sel.global,
      span: sel.spans.map((s) => [s.layer, s.head, s.d]),
      receiver: receivers.heads,
      kurtosis: receivers.kurtosis.map(([l, h, k]) => [l, h, Number.isFinite(k) ? k : null]),
    },
    waad,
    fai,
    fai_receiver: faiReceiver,
    ...(opts.faiHeads === 'receiver' ? { fai_global: faiGlobal } : {}),
    delta: roles.delta,
    preplan: roles.preplan,
    anchor: roles.anchor,
    dominated: roles.dominated,
    intro: roles.intro,
    ...(info.entropy ? { entropy: info.entropy } : {}),
    gamma: creditGammas(roles, opts, info.entropy),
    options: recordOptions(opts),
    tau_waad: roles.tau_waad,
    tau_delta: roles.tau_delta,
    linkage: linkage(roles, opts.k, info.entropy),
    num_layers: numLayers,
    num_heads: cache.numHeads,
    ...(info.model ? { model: info.model } : {}),
  };
  return record;
}

/**
 * One GRPO group: rewards[i] belongs to records[i]. Returns new records with `reward`, `advantage` (Â_i) and
 * `shaped_advantage` {strategy: γ·Â_i, hicra: Â_i + hicraCoef·|Â_i| on anchors}. Options default to each record's.
 */
export function applyGroup(
  records: AnalysisRecord[],
  rewards: number[],
  options: Partial<Pick<RhythmOptions, 'advantageStd' | 'hicraCoef'>> = {},
): AnalysisRecord[] {
  if (rewards.length !== records.length)
    throw new InputError(`${rewards.length} rewards for ${records.length} responses`, { field: 'reward' });
  rewards.forEach((x, i) => {
    if (typeof x !== 'number' || !Number.isFinite(x))
      throw new InputError(`reward of response ${i} must be a finite number (got ${x})`, { field: 'reward' });
  });
  const std = options.advantageStd ?? records[0]?.options.advantageStd ?? 'population';
  const adv = grpoAdvantages(rewards, std);
  return records.map((rec, i) => ({
    ...rec,
    reward: rewards[i],
    advantage: adv[i],
    shaped_advantage: shapeAdvantage(adv[i], rec.gamma, rec.anchor, options.hicraCoef ?? rec.options.hicraCoef),
  }));
}

/**
 * Applies GRPO per group: responses with the same `group` key (and a reward) form one group; records without a
 * reward or group are returned unchanged. Order is preserved.
 */
export function applyGroups(
  records: AnalysisRecord[],
  meta: { group?: string | number; reward?: number }[],
  options: Partial<Pick<RhythmOptions, 'advantageStd' | 'hicraCoef'>> = {},
): AnalysisRecord[] {
  const out = [...records];
  const groups = new Map<string, number[]>();
  meta.forEach((m, i) => {
    if (m.group === undefined || m.reward === undefined) return;
    const key = groupKey(m.group);
    groups.set(key, [...(groups.get(key) ?? []), i]);
  });
  for (const idx of groups.values()) {
    const shaped = applyGroup(
      idx.map((i) => records[i]),
      idx.map((i) => meta[i].reward!),
      options,
    );
    idx.forEach((i, j) => (out[i] = { ...shaped[j], group: meta[i].group }));
  }
  return out;
}
