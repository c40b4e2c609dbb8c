/**
 * Runs the perturbation test on one response (one forward for FAI and the next-token distributions, then all
 * k·3m counterfactual continuations in one continueAll call) and pools sequences into the output of
 * `rhythmscope study perturb` (docs/formats.md, "Studies").
 */
import * as tf from '@tensorflow/tfjs-core';
import { tokenLogits } from '../model/sampling';
import type { CausalLM } from '../model/types';
import { RhythmAccumulator } from '../rhythm/accumulator';
import { responseEntropyFromTensor } from '../rhythm/entropy';
import { resolveOptions, type RhythmOptions } from '../rhythm/options';
import { analyzeCache, recordOptions, type AnalysisRecord, type RecordOptions } from '../rhythm/record';
import type { Continuer } from './continue';
import {
  candidateIds,
  choosePositions,
  contentSet,
  eligibleIndices,
  jaccard,
  mean,
  resolvePerturbOptions,
  wilsonInterval,
  type PerturbOptions,
} from './perturb';

export interface PerturbCandidate {
  token_id: number;
  token: string;
  jaccard: number;
  continuation: string;
  continuation_ids: number[];
}

export interface PerturbPosition {
  /** Index into the response. */
  position: number;
  token: string;
  fai: number;
  score: number;
  /** The original continuation o_>i* (text). */
  original: string;
  candidates: PerturbCandidate[];
}

export interface PerturbSequence {
  index: number;
  j_top: number | null;
  j_bottom: number | null;
  j_random: number | null;
  top: PerturbPosition[];
  bottom: PerturbPosition[];
  random: PerturbPosition[];
  /** Eligible positions (response indices). */
  eligible: number;
}

export interface TextCodec {
  decode(ids: number[]): string;
  tokenString(id: number): string;
  eosId?: number;
}

export interface PerturbInput {
  ids: number[];
  promptLength: number;
}

/** One forward: the analysis record (FAI over the heads `faiHeads` names) and the logits rows asked for. */
function analyseWithLogits(
  model: CausalLM,
  seq: PerturbInput,
  tokens: string[],
  options: RhythmOptions,
  rows: (record: AnalysisRecord) => number[],
) {
  const acc = new RhythmAccumulator({
    seqLen: seq.ids.length,
    promptLength: seq.promptLength,
    W: options.W,
    H_lo: options.H_lo,
    H_hi: options.H_hi,
    sink: options.sink,
  });
  let logits: tf.Tensor2D | undefined;
  try {
    logits = model.forward(seq.ids, { onAttention: acc.onAttention });
    const entropy = responseEntropyFromTensor(logits, seq.promptLength);
    const record = analyzeCache(
      acc.finish(),
      { tokens, tokenIds: seq.ids, numLayers: model.config.n_layer, entropy },
      options,
    );
    const wanted = rows(record);
    const l = logits;
    let picked: Float32Array = new Float32Array(0);
    if (wanted.length) {
      const rowsT = tf.gather(l, wanted); // [rows, V]
      picked = rowsT.dataSync() as Float32Array;
      rowsT.dispose();
    }
    return { record, picked };
  } finally {
    logits?.dispose();
    acc.dispose();
  }
}

export async function perturbSequence(
  model: CausalLM,
  continuer: Continuer,
  codec: TextCodec,
  seq: PerturbInput,
  index: number,
  rhythm: Partial<RhythmOptions> = {},
  perturb: Partial<PerturbOptions> = {},
  signal?: AbortSignal,
): Promise<PerturbSequence> {
  const o = resolvePerturbOptions(perturb);
  const options = resolveOptions(rhythm);
  const N = seq.ids.length;
  const p = seq.promptLength;
  const tokens = seq.ids.map((id) => codec.tokenString(id));
  const eligible = eligibleIndices(N, p, options.H_lo, o.min_tail);
  let chosen = { top: [] as number[], bottom: [] as number[], random: [] as number[] };
  const { record, picked } = analyseWithLogits(model, seq, tokens, options, (rec) => {
    chosen = choosePositions(rec.fai, eligible, o.m, o.seed, index);
    // p(· | o_<t) is the logits row of t − 1.
    return [...new Set([...chosen.top, ...chosen.bottom, ...chosen.random])].map((i) => p + i - 1);
  });
  const V = model.config.vocab_size;
  const rowOf = new Map<number, Float32Array>();
  // Candidates come only from ids that have a token (a padded vocabulary's tail is masked).
  [...new Set([...chosen.top, ...chosen.bottom, ...chosen.random])].forEach((i, j) =>
    rowOf.set(i, tokenLogits(picked.subarray(j * V, (j + 1) * V), model.config.token_count)),
  );

  // Every (position, candidate) continuation of this response as one batch.
  const positions = [...rowOf.keys()];
  const jobs: { i: number; v: number }[] = [];
  for (const i of positions) for (const v of candidateIds(rowOf.get(i)!, seq.ids[p + i], o.k)) jobs.push({ i, v });
  const prefixes = jobs.map(({ i, v }) => [...seq.ids.slice(0, p + i), v]);
  const lengths = jobs.map(({ i }) => N - 1 - (p + i));
  const continuations = await continuer.continueAll(prefixes, lengths, signal);

  const text = (id: number) => codec.decode([id]);
  const byPosition = new Map<number, PerturbPosition>();
  for (const i of positions) {
    const tail = seq.ids.slice(p + i + 1);
    const original = contentSet(tail, text);
    const candidates: PerturbCandidate[] = [];
    jobs.forEach((job, j) => {
      if (job.i !== i) return;
      const cont = continuations[j];
      candidates.push({
        token_id: job.v,
        token: codec.tokenString(job.v),
        jaccard: jaccard(original, contentSet(cont, text)),
        continuation: codec.decode(cont),
        continuation_ids: cont,
      });
    });
    byPosition.set(i, {
      position: i,
      token: tokens[p + i],
      fai: record.fai[i],
      score: mean(candidates.map((c) => c.jaccard)) ?? 1,
      original: codec.decode(tail),
      candidates,
    });
  }
  const set = (list: number[]) => list.map((i) => byPosition.get(i)!);
  const score = (list: PerturbPosition[]) => mean(list.map((x) => x.score));
  const top = set(chosen.top);
  const bottom = set(chosen.bottom);
  const random = set(chosen.random);
  return {
    index,
    j_top: score(top),
    j_bottom: score(bottom),
    j_random: score(random),
    top,
    bottom,
    random,
    eligible: eligible.length,
  };
}

export interface PerturbStudyOutput {
  study: 'perturb';
  sequences: number;
  options: RecordOptions & PerturbOptions;
  mean_jaccard_top: number | null;
  mean_jaccard_bottom: number | null;
  mean_jaccard_random: number | null;
  /** Share of sequences (with both sets) where J_top < J_bottom; a tie is not "<". */
  p_top_lower: number | null;
  p_top_lower_ci: [number, number] | null;
  /** Sequences counted in p_top_lower. */
  compared: number;
  per_sequence: PerturbSequence[];
}

export function perturbSummary(
  perSequence: PerturbSequence[],
  rhythm: Partial<RhythmOptions>,
  perturb: Partial<PerturbOptions>,
): PerturbStudyOutput {
  const values = (key: 'j_top' | 'j_bottom' | 'j_random') =>
    perSequence.map((s) => s[key]).filter((x): x is number => x !== null);
  const both = perSequence.filter((s) => s.j_top !== null && s.j_bottom !== null);
  const lower = both.filter((s) => s.j_top! < s.j_bottom!).length;
  return {
    study: 'perturb',
    sequences: perSequence.length,
    options: { ...recordOptions(resolveOptions(rhythm)), ...resolvePerturbOptions(perturb) },
    mean_jaccard_top: mean(values('j_top')),
    mean_jaccard_bottom: mean(values('j_bottom')),
    mean_jaccard_random: mean(values('j_random')),
    p_top_lower: both.length ? lower / both.length : null,
    p_top_lower_ci: wilsonInterval(lower, both.length),
    compared: both.length,
    per_sequence: perSequence,
  };
}
