/**
 * Supervised examples from the task generators: prompt + reference solution + "<eos>", with the loss
 * masked to the completion (the model is never trained to predict prompts, which are random).
 */
import { generateProblem, mixSeed, Rng, type Problem, type TaskName } from '../tasks/index';
import type { Tokenizer } from '../tokenizer/types';

export interface MixEntry {
  task: TaskName;
  level: number;
  weight: number;
}

/** One training batch, row-major [B, T]. */
export interface Batch {
  B: number;
  T: number;
  ids: Int32Array;
  targets: Int32Array;
  /** 1 where the target is a completion token (solution or the end token), else 0. */
  mask: Float32Array;
  /** Number of 1s in mask. */
  completionTokens: number;
  entry: MixEntry;
}

export function parseMix(text: string): MixEntry[] {
  // "addition:1:3,countdown:2:1" = task:level:weight, comma separated.
  return text.split(',').map((part) => {
    const [task, level, weight] = part.split(':');
    const e = { task: task as TaskName, level: Number(level), weight: Number(weight ?? 1) };
    if (!['addition', 'countdown', 'multistep'].includes(task) || !Number.isInteger(e.level) || !(e.weight > 0)) {
      throw new Error(`bad mix entry "${part}" (expected task:level:weight)`);
    }
    return e;
  });
}

export function formatMix(mix: MixEntry[]): string {
  return mix.map((e) => `${e.task}:${e.level}:${e.weight}`).join(',');
}

export function pickEntry(mix: MixEntry[], rng: Rng): MixEntry {
  const total = mix.reduce((a, e) => a + e.weight, 0);
  let r = rng.next() * total;
  for (const e of mix) {
    r -= e.weight;
    if (r < 0) return e;
  }
  return mix[mix.length - 1];
}

/** prompt ⊕ solution ⊕ eos as ids, and where the completion starts. */
export function encodeExample(p: Problem, tok: Tokenizer): { ids: number[]; promptLength: number } {
  if (tok.eosId === undefined) throw new Error('the tokenizer needs an end token');
  const prompt = tok.encodePrompt(p.prompt);
  return { ids: [...prompt, ...tok.encode(p.solution), tok.eosId], promptLength: prompt.length };
}

/**
 * Inputs ids[0..n-2], targets ids[1..n-1], padded with the end token to the longest row (mask 0 there).
 */
export function makeBatch(problems: Problem[], tok: Tokenizer, entry: MixEntry): Batch {
  const rows = problems.map((p) => encodeExample(p, tok));
  const T = Math.max(...rows.map((r) => r.ids.length - 1));
  const B = rows.length;
  const ids = new Int32Array(B * T).fill(tok.eosId!);
  const targets = new Int32Array(B * T).fill(tok.eosId!);
  const mask = new Float32Array(B * T);
  let completionTokens = 0;
  rows.forEach((r, b) => {
    for (let t = 0; t < r.ids.length - 1; t++) {
      ids[b * T + t] = r.ids[t];
      targets[b * T + t] = r.ids[t + 1];
      // Target t+1 is a completion token when t+1 >= promptLength.
      if (t + 1 >= r.promptLength) {
        mask[b * T + t] = 1;
        completionTokens++;
      }
    }
  });
  return { B, T, ids, targets, mask, completionTokens, entry };
}

/**
 * The batch of training step `step`: one mix entry (so rows have similar lengths and padding stays
 * small) drawn by weight, then B problems. Depends only on (mix, seed, step, B): resuming at step s
 * sees exactly the data an uninterrupted run would.
 */
export function trainingBatch(mix: MixEntry[], seed: number, step: number, B: number, tok: Tokenizer): Batch {
  const rng = new Rng(mixSeed(seed, step));
  const entry = pickEntry(mix, rng);
  const base = rng.nextUint32();
  const problems = Array.from({ length: B }, (_, i) => generateProblem(entry.task, entry.level, base, i));
  return makeBatch(problems, tok, entry);
}

/** Held-out problems: a seed space disjoint from training draws (training seeds come from mixSeed). */
export function heldOutProblems(entry: MixEntry, n: number, seed: number): Problem[] {
  return Array.from({ length: n }, (_, i) =>
    generateProblem(entry.task, entry.level, (seed ^ 0x5eed0ff5) >>> 0, 1_000_000 + i),
  );
}
