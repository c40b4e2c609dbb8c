/**
 * Input of `rhythmscope analyze --input IN.jsonl` (docs/formats.md): one JSON object per line,
 * either {"prompt": str, "response": str} or {"prompt_ids": [...], "response_ids": [...]},
 * optional "reward" (number) and "group" (string or number; equal groups form one GRPO group).
 * Blank lines are skipped; line numbers in errors are 1-based lines of the file.
 */
import { InputError } from '../errors';

export interface AnalyzeInput {
  /** 1-based line in the input file. */
  line: number;
  prompt?: string;
  response?: string;
  promptIds?: number[];
  responseIds?: number[];
  reward?: number;
  group?: string | number;
}

const KNOWN_FIELDS = new Set(['prompt', 'response', 'prompt_ids', 'response_ids', 'reward', 'group']);

/** Group key that keeps 1 and "1" apart (JSON-typed), for grouping records. */
export function groupKey(group: string | number): string {
  return JSON.stringify(group);
}

export function parseAnalyzeJsonl(text: string, fileName: string): AnalyzeInput[] {
  const out: AnalyzeInput[] = [];
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].trim();
    if (raw === '') continue;
    out.push(parseLine(raw, fileName, i + 1));
  }
  if (out.length === 0)
    throw new InputError('no records (the file is empty or has only blank lines)', { file: fileName });
  return out;
}

function parseLine(raw: string, file: string, line: number): AnalyzeInput {
  const err = (msg: string, field?: string) => new InputError(msg, { file, line, ...(field ? { field } : {}) });
  let obj: unknown;
  try {
    obj = JSON.parse(raw);
  } catch (e) {
    throw err(`not valid JSON (${(e as Error).message})`);
  }
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) throw err('each line must be a JSON object');
  const rec = obj as Record<string, unknown>;
  for (const k of Object.keys(rec)) {
    // Unknown keys are tolerated (datasets carry extras) but a near-miss of ours is almost surely a typo.
    if (!KNOWN_FIELDS.has(k) && /^(prompts?|responses?|prompt_?ids|response_?ids|rewards?|groups?)$/i.test(k)) {
      throw err(`unknown field; did you mean one of ${[...KNOWN_FIELDS].join(', ')}?`, k);
    }
  }
  const hasText = 'prompt' in rec || 'response' in rec;
  const hasIds = 'prompt_ids' in rec || 'response_ids' in rec;
  if (hasText && hasIds) throw err('give either prompt/response or prompt_ids/response_ids, not both');
  if (!hasText && !hasIds)
    throw err('needs "prompt" and "response" (strings) or "prompt_ids" and "response_ids" (arrays)');
  const out: AnalyzeInput = { line };
  if (hasText) {
    for (const k of ['prompt', 'response'] as const) {
      if (typeof rec[k] !== 'string') throw err(rec[k] === undefined ? 'missing' : 'must be a string', k);
    }
    if ((rec.response as string).length === 0)
      throw err('must not be empty (analysis needs response tokens)', 'response');
    out.prompt = rec.prompt as string;
    out.response = rec.response as string;
  } else {
    for (const k of ['prompt_ids', 'response_ids'] as const) {
      const v = rec[k];
      if (v === undefined) throw err('missing', k);
      if (!Array.isArray(v)) throw err('must be an array of token ids', k);
      const bad = v.findIndex((x) => !(Number.isSafeInteger(x) && x >= 0));
      if (bad >= 0) throw err(`entry ${bad} (${JSON.stringify(v[bad])}) is not a non-negative integer`, k);
    }
    if ((rec.response_ids as number[]).length === 0)
      throw err('must not be empty (analysis needs response tokens)', 'response_ids');
    out.promptIds = rec.prompt_ids as number[];
    out.responseIds = rec.response_ids as number[];
  }
  if (rec.reward !== undefined) {
    if (typeof rec.reward !== 'number' || !Number.isFinite(rec.reward)) throw err('must be a finite number', 'reward');
    out.reward = rec.reward;
  }
  if (rec.group !== undefined) {
    const g = rec.group;
    if (!(typeof g === 'string' || (typeof g === 'number' && Number.isFinite(g))))
      throw err('must be a string or a number', 'group');
    out.group = g;
  }
  return out;
}
