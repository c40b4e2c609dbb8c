/**
 * The perturbation test over a corpus: perturbSequence on each response in turn, pooled by perturbSummary into the
 * output of `rhythmscope study perturb`. Shared by the CLI and the app's worker so both give the same totals for
 * the same corpus. Cancel (the signal) stops between responses or inside one; the responses finished are kept.
 */
import type { CausalLM } from '../model/types';
import { csvField } from '../rhythm/writers';
import type { RhythmOptions } from '../rhythm/options';
import type { Continuer } from './continue';
import type { PerturbOptions } from './perturb';
import {
  perturbSequence,
  perturbSummary,
  type PerturbInput,
  type PerturbSequence,
  type PerturbStudyOutput,
  type TextCodec,
} from './perturb-run';

export interface PerturbStudyHooks {
  signal?: AbortSignal;
  /** After each response: the response's result and the totals so far. */
  onSequence?(sequence: PerturbSequence, totals: PerturbStudyOutput): void | Promise<void>;
}

export interface PerturbStudyRun {
  output: PerturbStudyOutput;
  /** True when the signal stopped the run before the last response. */
  cancelled: boolean;
}

const isAbort = (e: unknown) => e instanceof Error && e.name === 'AbortError';

/** Sequence i is seeded with its position i in `inputs` (as the CLI numbers JSONL lines). */
export async function runPerturbStudy(
  model: CausalLM,
  continuer: Continuer,
  codec: TextCodec,
  inputs: Iterable<PerturbInput>,
  rhythm: Partial<RhythmOptions> = {},
  perturb: Partial<PerturbOptions> = {},
  hooks: PerturbStudyHooks = {},
): Promise<PerturbStudyRun> {
  const done: PerturbSequence[] = [];
  let i = 0;
  for (const seq of inputs) {
    if (hooks.signal?.aborted) return { output: perturbSummary(done, rhythm, perturb), cancelled: true };
    let s: PerturbSequence;
    try {
      s = await perturbSequence(model, continuer, codec, seq, i, rhythm, perturb, hooks.signal);
    } catch (e) {
      if (isAbort(e) && hooks.signal?.aborted)
        return { output: perturbSummary(done, rhythm, perturb), cancelled: true };
      throw e;
    }
    done.push(s);
    i++;
    await hooks.onSequence?.(s, perturbSummary(done, rhythm, perturb));
  }
  return { output: perturbSummary(done, rhythm, perturb), cancelled: false };
}

/**
 * CSV of a perturbation study: one row per sequence (its J_top, J_bottom, J_random and whether J_top < J_bottom),
 * then a row `all` with the corpus totals (means over the sequences that have the set, Pr(J_top < J_bottom) and
 * its 95% Wilson interval). `labels[i]` names sequence i (e.g. its prompt).
 */
export function perturbCsv(out: PerturbStudyOutput, labels: string[] = []): string {
  const cell = csvField;
  const lines = ['sequence,label,eligible,j_top,j_bottom,j_random,top_lower,p_top_lower,p_ci_low,p_ci_high,compared'];
  for (const s of out.per_sequence) {
    const lower = s.j_top !== null && s.j_bottom !== null ? s.j_top < s.j_bottom : null;
    lines.push(
      [s.index, labels[s.index], s.eligible, s.j_top, s.j_bottom, s.j_random, lower, null, null, null, null]
        .map(cell)
        .join(','),
    );
  }
  const [lo, hi] = out.p_top_lower_ci ?? [null, null];
  lines.push(
    [
      'all',
      `${out.sequences} sequences`,
      out.per_sequence.reduce((a, s) => a + s.eligible, 0),
      out.mean_jaccard_top,
      out.mean_jaccard_bottom,
      out.mean_jaccard_random,
      null,
      out.p_top_lower,
      lo,
      hi,
      out.compared,
    ]
      .map(cell)
      .join(','),
  );
  return `${lines.join('\n')}\n`;
}
