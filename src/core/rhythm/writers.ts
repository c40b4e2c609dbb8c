/**
 * Writers for analysis records: JSONL (formats.md record per line), CSV (one row per response token) and
 * verl (one JSON line per response with γ arrays ready to multiply into token-level advantages).
 * All return strings; the caller writes them atomically (temp file + rename).
 */
import { STRATEGIES } from './credit';
import type { AnalysisRecord } from './record';

/** JSON with non-finite numbers written as strings ("Infinity"), which plain JSON cannot hold. */
function json(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v));
}

/** One record per line, each line ending in "\n". */
export function toJsonl(records: AnalysisRecord[]): string {
  return records.map((r) => `${json(r)}\n`).join('');
}

/** RFC 4180 quoting: fields holding a comma, quote, CR/LF or edge whitespace are quoted, quotes doubled. */
export function csvField(value: string | number | boolean | undefined | null): string {
  if (value === undefined || value === null) return '';
  const s = String(value);
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * One row per response token; columns: sequence, position (absolute t), response_index, token, token_id,
 * waad, fai, delta, preplan, anchor, dominated, intro (0/1), entropy (empty when unknown),
 * gamma_<strategy> for each strategy any record has, then advantage and shaped_<strategy> when any record has a group.
 * Lines end in "\n".
 */
export function toCsv(records: AnalysisRecord[]): string {
  const strategies = STRATEGIES.filter((s) => records.some((r) => r.gamma[s]));
  const shaped = [...STRATEGIES, 'hicra' as const].filter((s) => records.some((r) => r.shaped_advantage?.[s]));
  const withAdv = records.some((r) => r.advantage !== undefined);
  const header = [
    'sequence',
    'position',
    'response_index',
    'token',
    'token_id',
    'waad',
    'fai',
    'delta',
    'preplan',
    'anchor',
    'dominated',
    'intro',
    'entropy',
    ...strategies.map((s) => `gamma_${s}`),
    ...(withAdv ? ['advantage'] : []),
    ...shaped.map((s) => `shaped_${s}`),
  ];
  const lines = [header.join(',')];
  records.forEach((rec, seq) => {
    const p = rec.prompt_length;
    for (let i = 0; i < rec.waad.length; i++) {
      const b = (x: boolean) => (x ? 1 : 0);
      const row = [
        seq,
        p + i,
        i,
        rec.tokens[p + i],
        rec.token_ids?.[p + i],
        rec.waad[i],
        rec.fai[i],
        rec.delta[i],
        b(rec.preplan[i]),
        b(rec.anchor[i]),
        b(rec.dominated[i]),
        b(rec.intro[i]),
        rec.entropy?.[i],
        ...strategies.map((s) => rec.gamma[s]?.[i]),
        ...(withAdv ? [rec.advantage] : []),
        ...shaped.map((s) => rec.shaped_advantage?.[s]?.[i]),
      ];
      lines.push(row.map(csvField).join(','));
    }
  });
  return `${lines.join('\n')}\n`;
}

/** Shape of one verl line (see README). */
export interface VerlLine {
  index: number;
  prompt_length: number;
  response_length: number;
  token_ids?: number[];
  gamma: AnalysisRecord['gamma'];
  reward?: number;
  advantage?: number;
  shaped_advantage?: AnalysisRecord['shaped_advantage'];
}

/** One JSON line per response: `token_ids` are the response ids only; every array has length response_length. */
export function toVerl(records: AnalysisRecord[]): string {
  return records
    .map((rec, index) => {
      const line: VerlLine = {
        index,
        prompt_length: rec.prompt_length,
        response_length: rec.waad.length,
        ...(rec.token_ids ? { token_ids: rec.token_ids.slice(rec.prompt_length) } : {}),
        gamma: rec.gamma,
        ...(rec.reward !== undefined ? { reward: rec.reward } : {}),
        ...(rec.advantage !== undefined ? { advantage: rec.advantage } : {}),
        ...(rec.shaped_advantage ? { shaped_advantage: rec.shaped_advantage } : {}),
      };
      return `${json(line)}\n`;
    })
    .join('');
}

export type OutputFormat = 'jsonl' | 'csv' | 'verl';

export function writeRecords(records: AnalysisRecord[], format: OutputFormat): string {
  return format === 'csv' ? toCsv(records) : format === 'verl' ? toVerl(records) : toJsonl(records);
}
