/**
 * The attention pass of one RL step and the update's π_old forward, fused where they can be (trainer.ts runs the
 * loop, trainer-credit.ts picks the rows): rows analysed and updated read their attention maps and entropies from
 * the π_old forward; rows analysed but not updated get a separate batched forward.
 */
import type { AnalysisRecord } from '../rhythm/record';
import { makePolicyBatch, type PolicyBatch } from './batch';
import type { BatchedLM } from './batched';
import { attentionCredit, CreditAnalyzer, type CreditRow } from './credit';
import type { RlOptions } from './options';
import type { RowSelection } from './trainer-credit';
import { computeOldPolicy, type OldPolicy } from './update';

type Host = Parameters<typeof computeOldPolicy>[0];

export interface PreparedUpdate {
  /** Analysis record of every analysed row (by row index). */
  records: Map<number, AnalysisRecord>;
  /** The kept rows as the update's batch, and their π_old (both absent when no row is kept). */
  batch?: PolicyBatch;
  oldPolicy?: OldPolicy;
  keptRows: number[][];
  keptPromptLengths: number[];
  attentionMs: number;
  metricsMs: number;
  /** π_old forward without the attention capture's share. */
  oldMs: number;
}

export interface StepRows {
  /** prompt ⊕ response ids of every row. */
  rows: number[][];
  promptLengths: number[];
  logprobs: number[][];
  entropies: number[][];
}

export function prepareUpdate(
  host: Host,
  sampler: BatchedLM,
  o: RlOptions,
  step: StepRows,
  sel: RowSelection,
  creditRow: (r: number) => CreditRow,
  padId: number,
): PreparedUpdate {
  const { keep, fused, fusedSet, separate } = sel;
  const pass = attentionCredit(sampler, separate.map(creditRow), o.rhythm, o.temperature);
  const records = new Map(separate.map((r, i) => [r, pass.records[i]]));
  let attentionMs = pass.attentionMs;
  let metricsMs = pass.metricsMs;

  const pick = <T>(xs: T[]) => keep.map((r) => xs[r]);
  const rollout =
    o.oldLogProbs === 'rollout' && keep.length > 0
      ? { logprobs: pick(step.logprobs), entropies: pick(step.entropies) }
      : undefined;
  const keptRows = pick(step.rows);
  const keptPromptLengths = pick(step.promptLengths);
  const fuse = o.oldLogProbs === 'recompute';
  const batch = keep.length > 0 ? makePolicyBatch(keptRows, keptPromptLengths, null, padId, rollout, fuse) : undefined;
  let oldPolicy: OldPolicy | undefined;
  let oldMs = 0;
  if (batch) {
    const { n_head, n_layer } = host.policy.config;
    const analyzer = fused.length > 0 ? new CreditAnalyzer(fused.map(creditRow), o.rhythm, n_head, n_layer) : undefined;
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
        host,
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
  return { records, batch, oldPolicy, keptRows, keptPromptLengths, attentionMs, metricsMs, oldMs };
}
