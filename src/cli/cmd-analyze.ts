/**
 * `rhythmscope analyze`: analysis records (docs/formats.md) for sequences in a JSONL file (one model forward
 * per sequence, attention streamed into the rhythm accumulator) or for an attention dump (no model).
 * Responses sharing a `group` get GRPO advantages from their rewards. Output is written atomically.
 */
import { readFile } from 'node:fs/promises';
import { InputError, isInputError } from '../core/errors';
import { parseAttentionDump } from '../core/io/dump';
import { parseAnalyzeJsonl, type AnalyzeInput } from '../core/io/jsonl';
import { writeFileAtomic } from '../core/io/node-atomic';
import {
  analyzeDump,
  analyzeModel,
  applyGroups,
  OPTION_FLAGS,
  resolveOptions,
  writeRecords,
  type AnalysisRecord,
  type OutputFormat,
  type RhythmOptions,
} from '../core/rhythm';
import { ArgumentError, formatFlags, parseArgs, type FlagSpecs } from './args';
import { CHAT_FLAGS, checkOutputPath, encodeInput, loadModelDir, note, promptWrapper } from './common';

const FLAGS = {
  model: {
    type: 'string',
    value: 'DIR|ORG/NAME',
    help: 'model folder, .zip, Hugging Face cache snapshot or ORG/NAME[@REV] in the local cache (with --input)',
  },
  ...CHAT_FLAGS,
  input: {
    type: 'string',
    value: 'IN.jsonl',
    help: 'lines {"prompt","response"} or {"prompt_ids","response_ids"}, optional reward, group',
  },
  attention: { type: 'string', value: 'DUMP.safetensors', help: 'analyze an attention dump instead (no model needed)' },
  out: { type: 'string', value: 'OUT', required: true, help: 'output file ("-" = stdout)' },
  format: { type: 'string', choices: ['jsonl', 'csv', 'verl'], default: 'jsonl', help: 'output format' },
  // Rhythm options (method.md); defaults come from the rhythm engine, listed in its README.
  window: { type: 'number', value: 'W', help: 'WAAD window W (default 10)' },
  'h-lo': { type: 'int', value: 'N', help: 'FAI horizon start H_lo (default 10)' },
  'h-hi': {
    type: 'number',
    value: 'N|inf',
    allowInf: true,
    help: 'FAI horizon end H_hi (default 100; inf = to the end)',
  },
  q: { type: 'number', help: 'top-q fraction for preplan/anchor sets (default 0.4)' },
  'head-fraction': { type: 'number', help: 'share of selected heads taken as local/global (default 0.3)' },
  layers: { type: 'string', value: 'middle-third|all|1,2,3', help: 'candidate layers (default middle-third)' },
  heads: { type: 'string', value: 'JSON', help: 'pin heads: {"local":[[l,h],…],"global":[[l,h],…]}' },
  k: { type: 'int', help: 'look-back for dominated anchors (default 3)' },
  alpha: { type: 'number', help: 'coupled: share moved to intro tokens (default 0.5)' },
  'gamma-amp': { type: 'number', help: 'boost factor γ_amp (default 1.5)' },
  sink: { type: 'boolean', help: 'exclude key 0 (attention sink) and renormalize rows (default off)' },
  'tau-waad': { type: 'string', value: 'median|X', help: 'WAAD threshold for dominated anchors (default median)' },
  'tau-delta': {
    type: 'string',
    value: 'min-preplan|X',
    help: 'Δ threshold for dominated anchors (default min-preplan)',
  },
  seed: { type: 'int', help: 'seed of the random control strategy (default 0)' },
  'hicra-coef': { type: 'number', help: 'HICRA-style coefficient (default 0.2)' },
  'advantage-std': { type: 'string', choices: ['population', 'sample'], help: 'GRPO std (default population)' },
  'fai-heads': {
    type: 'string',
    choices: ['global', 'receiver'],
    help: 'heads whose FAI defines anchors (default global)',
  },
} as const satisfies FlagSpecs;

export const help = `Compute attention-rhythm analysis records (WAAD, FAI, preplan/anchor tokens, credit γ)
Usage: rhythmscope analyze --model DIR --input IN.jsonl --out OUT.jsonl [--chat [--no-thinking]] [--format jsonl|csv|verl] [options]
       rhythmscope analyze --attention DUMP.safetensors --out OUT.jsonl [options]

IN lines: {"prompt": str, "response": str} or {"prompt_ids": [...], "response_ids": [...]},
optional "reward" (number) and "group" (responses with the same group form one GRPO group and get
advantage / shaped_advantage). Progress goes to stderr; the output file appears only when complete.

Options:
${formatFlags(FLAGS)}`;

type Flags = ReturnType<typeof parseArgs<typeof FLAGS>>;

function layersOption(text: string): RhythmOptions['layers'] {
  if (text === 'middle-third' || text === 'all') return text;
  if (!/^\s*\d+\s*(,\s*\d+\s*)*$/.test(text))
    throw new ArgumentError(`--layers: expected middle-third, all or a list like 1,2,3, got "${text}"`);
  return text.split(',').map(Number);
}

function numberOr<T extends string>(flag: string, word: T, text: string): T | number {
  if (text === word) return word;
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v))
    throw new ArgumentError(`--${flag}: expected ${word} or a number, got "${text}"`);
  return v;
}

/** Flags -> validated rhythm options; a range error names the flag rather than the internal option name. */
export function rhythmOptionsFromFlags(a: Flags): RhythmOptions {
  const partial: Partial<RhythmOptions> = {
    W: a.window,
    H_lo: a['h-lo'],
    H_hi: a['h-hi'],
    q: a.q,
    headFraction: a['head-fraction'],
    layers: a.layers !== undefined ? layersOption(a.layers) : undefined,
    k: a.k,
    alpha: a.alpha,
    gamma_amp: a['gamma-amp'],
    sink: a.sink,
    tau_waad: a['tau-waad'] !== undefined ? numberOr('tau-waad', 'median', a['tau-waad']) : undefined,
    tau_delta: a['tau-delta'] !== undefined ? numberOr('tau-delta', 'min-preplan', a['tau-delta']) : undefined,
    seed: a.seed,
    hicraCoef: a['hicra-coef'],
    advantageStd: a['advantage-std'] as RhythmOptions['advantageStd'] | undefined,
    faiHeads: a['fai-heads'] as RhythmOptions['faiHeads'] | undefined,
  };
  if (a.heads !== undefined) {
    try {
      partial.heads = JSON.parse(a.heads);
    } catch {
      throw new ArgumentError(`--heads: not valid JSON: ${a.heads}`);
    }
  }
  try {
    return resolveOptions(partial);
  } catch (e) {
    const field = isInputError(e) ? e.where.field?.split('.')[0] : undefined;
    if (field && field in OPTION_FLAGS) {
      throw new ArgumentError(
        `--${OPTION_FLAGS[field as keyof RhythmOptions]}: ${(e as Error).message.replace(/^.*?: /, '')}`,
      );
    }
    throw e;
  }
}

export async function run(argv: string[]): Promise<number> {
  const a = parseArgs(argv, FLAGS, 'analyze');
  if ((a.input === undefined) === (a.attention === undefined))
    throw new ArgumentError('give exactly one of --input (with --model) or --attention');
  if (a.input !== undefined && a.model === undefined) throw new ArgumentError('--input needs --model DIR');
  if (a.attention !== undefined && a.model !== undefined)
    throw new ArgumentError('--attention needs no --model (the dump holds the attention)');
  const options = rhythmOptionsFromFlags(a);
  const out = a.out!;
  if (out !== '-') await checkOutputPath(out);

  const records =
    a.attention !== undefined
      ? [await analyzeDumpFile(a.attention, options)]
      : await analyzeJsonl(a.input!, a.model!, options, a);
  const text = writeRecords(records, a.format as OutputFormat);
  if (out === '-') process.stdout.write(text);
  else await writeFileAtomic(out, text);
  note(
    `[analyze] ${records.length} record${records.length === 1 ? '' : 's'} -> ${out === '-' ? 'stdout' : out} (${a.format})`,
  );
  return 0;
}

async function readInput(path: string, flag: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : `cannot read (${code})`,
      { file: path, field: flag },
    );
  }
}

async function analyzeDumpFile(path: string, options: RhythmOptions): Promise<AnalysisRecord> {
  const dump = parseAttentionDump(await readInput(path, '--attention'), path);
  note(`[analyze] ${path}: N=${dump.seqLen}, ${dump.layerIndices.length} layers x ${dump.numHeads} heads`);
  return analyzeDump(dump, options).record;
}

async function analyzeJsonl(
  path: string,
  modelDir: string,
  options: RhythmOptions,
  chat: { chat?: boolean; thinking?: boolean },
): Promise<AnalysisRecord[]> {
  const inputs = parseAnalyzeJsonl(new TextDecoder().decode(await readInput(path, '--input')), path);
  checkGroups(inputs, path);
  const loaded = await loadModelDir(modelDir);
  try {
    const wrap = promptWrapper(loaded.tokenizer, chat); // --chat: text prompts go through the chat template
    const records: AnalysisRecord[] = [];
    const t0 = performance.now();
    for (const [i, input] of inputs.entries()) {
      const seq = encodeInput(input, loaded, path, wrap);
      records.push(analyzeModel(loaded.model, seq, options).record);
      note(
        `[analyze] ${i + 1}/${inputs.length} (${path}:${input.line}, N=${seq.ids.length}) ${((performance.now() - t0) / 1000).toFixed(1)} s`,
      );
    }
    return withGroups(records, inputs, options);
  } finally {
    loaded.model.dispose();
  }
}

/** Every member of a group needs a reward (GRPO compares rewards within the group). */
function checkGroups(inputs: AnalyzeInput[], file: string): void {
  for (const input of inputs) {
    if (input.group !== undefined && input.reward === undefined) {
      throw new InputError('a response in a group needs a "reward"', { file, line: input.line, field: 'reward' });
    }
  }
}

function withGroups(records: AnalysisRecord[], inputs: AnalyzeInput[], options: RhythmOptions): AnalysisRecord[] {
  const withRewards = records.map((r, i) => (inputs[i].reward !== undefined ? { ...r, reward: inputs[i].reward } : r));
  return applyGroups(withRewards, inputs, options);
}
