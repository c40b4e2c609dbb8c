/**
 * The story card's sentences, from an analysis record: which response tokens are the strongest anchors and
 * preplan tokens, each named with the scratchpad line it sits in. Pure (tested in Node).
 */
import type { AnalysisRecord } from '../../core/rhythm/record';

export interface NamedToken {
  /** Position in the whole sequence (what the views' selection uses). */
  position: number;
  token: string;
  /** 1-based line of the response, and that line's text. */
  line: number;
  lineText: string;
}

export interface Story {
  anchors: NamedToken[];
  preplan: NamedToken[];
  anchorCount: number;
  preplanCount: number;
  responseLength: number;
}

/** A token as shown in prose: visible whitespace, so "\n" and " " can be told apart. */
export function showToken(token: string): string {
  return token === '\n' ? '⏎' : token === ' ' ? '␣' : token;
}

/** The `count` strongest members of a role (by `score`), in reading order. */
function strongest(flags: boolean[], score: number[], count: number): number[] {
  const members = flags.flatMap((f, i) => (f ? [i] : []));
  members.sort((a, b) => score[b] - score[a] || a - b);
  return members.slice(0, count).sort((a, b) => a - b);
}

export function storyOf(record: AnalysisRecord, count = 3): Story {
  const P = record.prompt_length;
  const response = record.tokens.slice(P);
  const lineOf: number[] = [];
  const lines: string[] = [''];
  for (const t of response) {
    lineOf.push(lines.length);
    if (t === '\n') lines.push('');
    else lines[lines.length - 1] += t;
  }
  const name = (i: number): NamedToken => ({
    position: P + i,
    token: response[i],
    line: lineOf[i],
    lineText: lines[lineOf[i] - 1].trim(),
  });
  return {
    anchors: strongest(record.anchor, record.fai, count).map(name),
    preplan: strongest(record.preplan, record.delta, count).map(name),
    anchorCount: record.anchor.filter(Boolean).length,
    preplanCount: record.preplan.filter(Boolean).length,
    responseLength: response.length,
  };
}
