/**
 * `rhythmscope study linkage|perturb`: the paper's two statistical analyses (docs/studies.md) over a corpus, each
 * written as one JSON file (docs/formats.md, "Studies"). Sequences are analysed one at a time (one forward or one
 * dump each; only per-sequence results are kept); progress on stderr; the output appears only when complete.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError, isInputError } from '../core/errors';
import { parseAttentionDump } from '../core/io/dump';
import { parseAnalyzeJsonl } from '../core/io/jsonl';
import { writeFileAtomic } from '../core/io/node-atomic';
import { isDirectory } from '../core/io/node-files';
import { analyzeDump, analyzeModel, OPTION_FLAGS, optionsFromFlags, type RhythmOptions } from '../core/rhythm';
import {
  batchedContinuer,
  LinkageStudy,
  runPerturbStudy,
  sequentialContinuer,
  type LinkageRows,
} from '../core/studies';
import { ArgumentError, formatFlags, parseArgs, type FlagSpecs } from './args';
import { checkOutputPath, encodeInput, loadModelDir, note } from './common';

/** Every rhythm option as a text flag (validated by the engine's optionsFromFlags); perturb has its own --k/--seed. */
function rhythmFlags(skip: string[] = []): FlagSpecs {
  const out: FlagSpecs = {};
  for (const flag of Object.values(OPTION_FLAGS)) {
    if (skip.includes(flag)) continue;
    out[flag] =
      flag === 'sink'
        ? { type: 'boolean', help: 'rhythm option' }
        : { type: 'string', value: 'V', help: 'rhythm option (see rhythmscope analyze --help)' };
  }
  return out;
}

const COMMON = {
  model: { type: 'string', value: 'DIR', help: 'model folder, or a .zip of one' },
  input: {
    type: 'string',
    value: 'IN.jsonl',
    help: 'lines {"prompt","response"} or {"prompt_ids","response_ids"} (as analyze reads them)',
  },
  out: { type: 'string', value: 'OUT.json', required: true, help: 'output JSON file' },
} as const satisfies FlagSpecs;

const LINKAGE_FLAGS = {
  ...COMMON,
  attention: {
    type: 'string',
    value: 'D1.safetensors [D2 …]',
    help: 'attention dumps (files or folders of *.safetensors) instead of --model/--input',
  },
  'q-peak': { type: 'number', min: 0, max: 1, help: 'peaks = top ⌈q_peak·|R|⌉ positions (default 0.2)' },
  'k-link': { type: 'int', min: 0, help: 'a FAI peak follows a WAAD peak within k_link tokens (default 3)' },
} as const satisfies FlagSpecs;

const PERTURB_FLAGS = {
  ...COMMON,
  k: { type: 'int', min: 1, default: 3, help: 'forced alternatives per position (top-k, the original excluded)' },
  m: { type: 'int', min: 1, default: 3, help: 'positions per set (top, bottom, random by FAI)' },
  'min-tail': { type: 'int', min: 0, default: 5, help: 'tokens that must follow a perturbed position' },
  seed: { type: 'int', default: 0, help: 'seed of the random positions' },
  batched: {
    type: 'boolean',
    default: true,
    help: 'one batch per response (--no-batched: one continuation at a time)',
  },
} as const satisfies FlagSpecs;

export const help = `Run a study over a corpus: the linkage table or the perturbation test (one JSON file)
Usage: rhythmscope study linkage (--model DIR --input IN.jsonl | --attention D1.safetensors [D2 …]) --out OUT.json [options]
       rhythmscope study perturb --model DIR --input IN.jsonl --out OUT.json [--k 3 --m 3 --min-tail 5 --seed S] [options]

linkage: entropy at WAAD peaks, receiver/global FAI peak co-occurrence, FAI peaks following WAAD peaks, each
  observed vs the exact shuffled-peak expectation, pooled and per sequence (entropy is null from dumps).
perturb: at the top-m / bottom-m / random-m positions by FAI, force each of the k most likely other tokens,
  continue greedily as long as the original continuation, and compare content-token sets (Jaccard).
Rhythm options (--window, --h-lo, --h-hi, --layers, --head-fraction, --fai-heads, …) are those of analyze.

linkage options:
${formatFlags(LINKAGE_FLAGS)}

perturb options:
${formatFlags(PERTURB_FLAGS)}`;

/** Takes `--attention A B C` (values up to the next --flag) out of argv. */
function takeAttention(argv: string[]): { rest: string[]; dumps?: string[] } {
  const i = argv.findIndex((a) => a === '--attention' || a.startsWith('--attention='));
  if (i < 0) return { rest: argv };
  const dumps: string[] = argv[i].includes('=') ? [argv[i].slice('--attention='.length)] : [];
  let j = i + 1;
  while (j < argv.length && !argv[j].startsWith('--')) dumps.push(argv[j++]);
  if (dumps.length === 0 || dumps.includes(''))
    throw new ArgumentError('--attention needs at least one dump file or folder');
  const rest = [...argv.slice(0, i), ...argv.slice(j)];
  if (rest.some((a) => a === '--attention' || a.startsWith('--attention=')))
    throw new ArgumentError('--attention given more than once');
  return { rest, dumps };
}

function rhythmOptions(a: Record<string, unknown>, own: FlagSpecs): RhythmOptions {
  const flags: Record<string, string> = {};
  for (const [k, v] of Object.entries(a)) if (v !== undefined && !(k in own)) flags[k] = String(v);
  try {
    return optionsFromFlags(flags);
  } catch (e) {
    if (isInputError(e) && e.where.field) {
      const option = e.where.field.split('.')[0] as keyof RhythmOptions;
      throw new ArgumentError(`--${OPTION_FLAGS[option] ?? option}: ${e.message.replace(/^.*?: /, '')}`);
    }
    throw e;
  }
}

export async function run(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'linkage') return linkage(rest);
  if (sub === 'perturb') return perturb(rest);
  throw new ArgumentError(
    `study: expected linkage or perturb, got ${sub === undefined ? 'nothing' : `"${sub}"`} (see rhythmscope study --help)`,
  );
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

/** Dump files in order: files as given, folders expanded to their *.safetensors (sorted by name). */
async function dumpPaths(list: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of list) {
    if (await isDirectory(p)) {
      const files = (await readdir(p)).filter((f) => f.endsWith('.safetensors')).sort();
      if (files.length === 0)
        throw new InputError('folder holds no .safetensors dumps', { file: p, field: '--attention' });
      out.push(...files.map((f) => join(p, f)));
    } else out.push(p);
  }
  return out;
}

const fmt = (x: number | null) => (x === null ? 'n/a' : x.toFixed(3));
const rowsLine = (r: LinkageRows) =>
  `entropy ${fmt(r.entropy_at_waad_peaks.observed)}/${fmt(r.entropy_at_waad_peaks.random)} · co-occur ${fmt(r.receiver_global_cooccurrence.observed)}/${fmt(r.receiver_global_cooccurrence.random)} · follows ${fmt(r.fai_follows_waad.observed)}/${fmt(r.fai_follows_waad.random)}`;

async function linkage(argv: string[]): Promise<number> {
  const { rest, dumps } = takeAttention(argv);
  const a = parseArgs(rest, { ...LINKAGE_FLAGS, ...rhythmFlags() }, 'study');
  if ((a.input === undefined) === (dumps === undefined))
    throw new ArgumentError('give exactly one of --input (with --model) or --attention');
  if (a.input !== undefined && a.model === undefined) throw new ArgumentError('--input needs --model DIR');
  if (dumps !== undefined && a.model !== undefined)
    throw new ArgumentError('--attention needs no --model (the dumps hold the attention)');
  const options = rhythmOptions(a, LINKAGE_FLAGS);
  const study = new LinkageStudy({ q_peak: a['q-peak'], k_link: a['k-link'] });
  await checkOutputPath(a.out!);
  const t0 = performance.now();
  const progress = (i: number, n: number, where: string, rows: LinkageRows) =>
    note(
      `[study linkage] ${i + 1}/${n} ${where} ${((performance.now() - t0) / 1000).toFixed(1)} s | pooled ${rowsLine(rows)}`,
    );
  if (dumps) {
    const paths = await dumpPaths(dumps);
    for (const [i, path] of paths.entries()) {
      const dump = parseAttentionDump(await readInput(path, '--attention'), path);
      study.add(analyzeDump(dump, options).record);
      progress(i, paths.length, path, study.pooled());
    }
  } else {
    const inputs = parseAnalyzeJsonl(new TextDecoder().decode(await readInput(a.input!, '--input')), a.input!);
    const loaded = await loadModelDir(a.model!);
    try {
      for (const [i, input] of inputs.entries()) {
        const seq = encodeInput(input, loaded, a.input!);
        study.add(analyzeModel(loaded.model, seq, options).record);
        progress(i, inputs.length, `(${a.input}:${input.line}, N=${seq.ids.length})`, study.pooled());
      }
    } finally {
      loaded.model.dispose();
    }
  }
  await writeFileAtomic(a.out!, `${JSON.stringify(study.result(), null, 1)}\n`);
  note(`[study linkage] ${study.size} sequences -> ${a.out}`);
  return 0;
}

async function perturb(argv: string[]): Promise<number> {
  const a = parseArgs(argv, { ...PERTURB_FLAGS, ...rhythmFlags(['k', 'seed']) }, 'study');
  if (a.model === undefined || a.input === undefined)
    throw new ArgumentError('study perturb needs --model DIR and --input IN.jsonl');
  const options = rhythmOptions(a, PERTURB_FLAGS);
  const perturbOptions = { k: a.k!, m: a.m!, min_tail: a['min-tail']!, seed: a.seed! };
  await checkOutputPath(a.out!);
  const inputs = parseAnalyzeJsonl(new TextDecoder().decode(await readInput(a.input, '--input')), a.input);
  const loaded = await loadModelDir(a.model);
  const continuer = a.batched
    ? batchedContinuer(loaded.model, loaded.tokenizer.eosId, loaded.tokenizer.eosId ?? 0)
    : sequentialContinuer(loaded.model, loaded.tokenizer.eosId);
  const t0 = performance.now();
  let output;
  try {
    // Encoded lazily: a bad line stops the run there (no output written) with its line named.
    const lengths: number[] = [];
    const encoded = function* () {
      for (const input of inputs) {
        const seq = encodeInput(input, loaded, a.input!);
        lengths.push(seq.ids.length);
        yield seq;
      }
    };
    ({ output } = await runPerturbStudy(loaded.model, continuer, loaded.tokenizer, encoded(), options, perturbOptions, {
      onSequence: (s, sum) =>
        note(
          `[study perturb] ${s.index + 1}/${inputs.length} (${a.input}:${inputs[s.index].line}, N=${lengths[s.index]}, ${s.eligible} eligible) ${((performance.now() - t0) / 1000).toFixed(1)} s | J top ${fmt(sum.mean_jaccard_top)} bottom ${fmt(sum.mean_jaccard_bottom)} random ${fmt(sum.mean_jaccard_random)} | Pr(top<bottom) ${fmt(sum.p_top_lower)}`,
        ),
    }));
  } finally {
    continuer.dispose();
    loaded.model.dispose();
  }
  await writeFileAtomic(a.out!, `${JSON.stringify(output, null, 1)}\n`);
  note(`[study perturb] ${output.sequences} sequences (${continuer.kind} continuations) -> ${a.out}`);
  return 0;
}
