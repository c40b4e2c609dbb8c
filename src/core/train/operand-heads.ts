/**
 * Which attention heads track the operands in scratchpad addition: for every scratchpad line, the query
 * that must produce operand a's digit (the position just before it) should attend to that digit in the
 * prompt, and the query at the line's '+' (which produces b's digit) to b's digit. We average, per
 * (layer, head), the attention weight on the aligned operand digit over lines and problems.
 */
import type { CausalLM } from '../model/types';
import type { Problem } from '../tasks/index';
import type { Tokenizer } from '../tokenizer/types';

export interface OperandQuery {
  query: number;
  key: number;
  operand: 'a' | 'b';
}

/** Query/key pairs of an addition problem laid out as prompt ⊕ solution (character positions = token positions). */
export function operandQueries(p: Problem): OperandQuery[] {
  const m = /^(\d+)\+(\d+)=\?\n$/.exec(p.prompt);
  if (!m) throw new Error('not an addition prompt');
  const [a, b] = [m[1], m[2]];
  const out: OperandQuery[] = [];
  let lineStart = p.prompt.length; // position of the line's first character in prompt ⊕ solution
  const lines = p.solution.split('\n');
  for (let col = 0; col < lines.length - 1; col++) {
    // Column col counts from the right: a's digit sits at prompt index a.length-1-col (if a is that long).
    const ia = a.length - 1 - col;
    const ib = b.length - 1 - col;
    if (ia >= 0) out.push({ query: lineStart - 1, key: ia, operand: 'a' });
    if (ib >= 0) out.push({ query: lineStart + 1, key: a.length + 1 + ib, operand: 'b' });
    lineStart += lines[col].length + 1;
  }
  return out;
}

export interface HeadScore {
  layer: number;
  head: number;
  /** Mean attention on the aligned digit of a, of b, and both together. */
  a: number;
  b: number;
  both: number;
}

/** Per-head mean attention on aligned operand digits, best first. */
export function operandHeadScores(model: CausalLM, tokenizer: Tokenizer, problems: Problem[]): HeadScore[] {
  const { n_layer: L, n_head: H } = model.config;
  const sumA = new Float64Array(L * H);
  const sumB = new Float64Array(L * H);
  let nA = 0;
  let nB = 0;
  for (const p of problems) {
    const ids = tokenizer.encodePrompt(p.prompt + p.solution);
    const N = ids.length;
    const qs = operandQueries(p);
    nA += qs.filter((q) => q.operand === 'a').length;
    nB += qs.filter((q) => q.operand === 'b').length;
    const logits = model.forward(ids, {
      onAttention: (layer, probs) => {
        const A = probs.dataSync(); // [H, N, N]
        for (let h = 0; h < H; h++) {
          for (const q of qs) {
            const w = A[h * N * N + q.query * N + q.key];
            if (q.operand === 'a') sumA[layer * H + h] += w;
            else sumB[layer * H + h] += w;
          }
        }
      },
    });
    logits.dispose();
  }
  const out: HeadScore[] = [];
  for (let l = 0; l < L; l++) {
    for (let h = 0; h < H; h++) {
      const a = sumA[l * H + h] / Math.max(nA, 1);
      const b = sumB[l * H + h] / Math.max(nB, 1);
      out.push({ layer: l, head: h, a, b, both: (sumA[l * H + h] + sumB[l * H + h]) / Math.max(nA + nB, 1) });
    }
  }
  return out.sort((x, y) => y.both - x.both);
}
