/**
 * The settings form over the engine's own options (src/core/rhythm/options.ts): the option list, defaults,
 * validation (resolveOptions' InputError messages) and the maps-vs-instant split (needsMaps / MAP_OPTIONS)
 * all come from the engine. This file adds only presentation: group, label, input kind and help text (method.md),
 * and the conversion between option values and the strings typed into the form.
 */
import { isInputError } from '../../core/errors';
import {
  DEFAULT_OPTIONS,
  MAP_OPTIONS,
  needsMaps,
  OPTION_FLAGS,
  resolveOptions,
  type RhythmOptions,
} from '../../core/rhythm/options';

export type OptionKey = keyof RhythmOptions;
export type OptionGroup = 'heads' | 'metrics' | 'roles' | 'credit';
export type FieldKind = 'number' | 'boolean' | 'choice' | 'layers' | 'horizon' | 'threshold' | 'heads';

export interface OptionField {
  key: OptionKey;
  group: OptionGroup;
  /** Paper notation or short name shown as the label. */
  label: string;
  kind: FieldKind;
  /** Words accepted besides numbers (threshold, layers) or the choices of a select. */
  choices?: readonly string[];
  help: string;
  /** Command-line flag of the same option (for reproducing a view with the CLI). */
  flag: string;
  /** Changing it needs the attention maps again (engine's MAP_OPTIONS). */
  needsMaps: boolean;
}

export const GROUPS: readonly { id: OptionGroup; title: string }[] = [
  { id: 'heads', title: 'Heads' },
  { id: 'metrics', title: 'Metrics' },
  { id: 'roles', title: 'Roles' },
  { id: 'credit', title: 'Credit' },
];

type Meta = Omit<OptionField, 'key' | 'flag' | 'needsMaps'>;

/** Presentation of every engine option; a test checks this covers exactly the engine's option list. */
export const OPTION_META: Readonly<Record<OptionKey, Meta>> = {
  layers: {
    group: 'heads',
    label: 'layers',
    kind: 'layers',
    choices: ['middle-third', 'all'],
    help: "Candidate layers: 'middle-third' = 5 evenly spaced layers in the middle third (paper), 'all', or a list like 12, 15, 18.",
  },
  headFraction: {
    group: 'heads',
    label: 'head fraction',
    kind: 'number',
    help: 'Heads sorted by span d; the first ⌈fraction·M⌉ are local (H_loc), the last ⌈fraction·M⌉ global (H_glob). Paper: 0.3.',
  },
  heads: {
    group: 'heads',
    label: 'pinned heads',
    kind: 'heads',
    help: 'Optional fixed head sets instead of the per-sequence split, as JSON {"local": [[l,h],…], "global": [[l,h],…]}. Empty = split per sequence.',
  },
  faiHeads: {
    group: 'heads',
    label: 'FAI heads',
    kind: 'choice',
    choices: ['global', 'receiver'],
    help: "Heads whose mean FAI defines anchors and the rhythm's FAI: 'global' (largest span, paper) or 'receiver' (largest kurtosis of their own FAI, Thought Anchors).",
  },
  W: {
    group: 'metrics',
    label: 'W',
    kind: 'number',
    help: 'WAAD window: WAAD_t = Σ_s Ā_loc[t][s]·min(t−s, W). Paper: 10.',
  },
  H_lo: {
    group: 'metrics',
    label: 'H_lo',
    kind: 'number',
    help: 'FAI horizon start: queries t with s + H_lo ≤ t count for key s. Paper: 10.',
  },
  H_hi: {
    group: 'metrics',
    label: 'H_hi',
    kind: 'horizon',
    help: 'FAI horizon end: t ≤ min(N−1, s + H_hi). Paper v2: 100 (v1: 50); ∞ = until the end of the response.',
  },
  sink: {
    group: 'metrics',
    label: 'exclude sink',
    kind: 'boolean',
    help: 'Drop key position 0 (the attention sink) and renormalise rows before everything. Off in the paper.',
  },
  q: {
    group: 'roles',
    label: 'q',
    kind: 'number',
    help: 'Top-q fraction: preplan = top ⌈q·|R|⌉ by Δ, anchors = top ⌈q·|R|⌉ by FAI (also the random and high-entropy controls). Paper: 0.4.',
  },
  k: {
    group: 'roles',
    label: 'k',
    kind: 'number',
    help: 'Look-back for dominated anchors and their introductory token: u ∈ [t−k, t−1] within the response. Default 3.',
  },
  tau_waad: {
    group: 'roles',
    label: 'τ_waad',
    kind: 'threshold',
    choices: ['median'],
    help: "Dominated anchors have WAAD_t ≤ τ_waad: 'median' of the response's WAAD (default) or a number.",
  },
  tau_delta: {
    group: 'roles',
    label: 'τ_Δ',
    kind: 'threshold',
    choices: ['min-preplan'],
    help: "…and a Δ ≥ τ_Δ within k tokens before: 'min-preplan' = the smallest Δ among preplan tokens (default) or a number.",
  },
  alpha: {
    group: 'credit',
    label: 'α',
    kind: 'number',
    help: 'Coupled strategy: share of the boost moved from a dominated anchor to its introductory token. Default 0.5.',
  },
  gamma_amp: {
    group: 'credit',
    label: 'γ_amp',
    kind: 'number',
    help: 'Boost factor γ for chosen tokens (γ = 1 elsewhere). Paper: 1.5.',
  },
  seed: {
    group: 'credit',
    label: 'seed',
    kind: 'number',
    help: 'Seed of the random control strategy (a random q of the response).',
  },
  hicraCoef: {
    group: 'credit',
    label: 'HICRA coef',
    kind: 'number',
    help: 'HICRA-style shaping (arXiv 2509.03646): Â + coef·|Â| on anchors. Default 0.2.',
  },
  advantageStd: {
    group: 'credit',
    label: 'advantage std',
    kind: 'choice',
    choices: ['population', 'sample'],
    help: 'GRPO Â = (r − mean)/std with the population (ddof 0, default) or sample (ddof 1) std.',
  },
};

/** Every option the engine knows (DEFAULT_OPTIONS plus the optional `heads`), in form order. */
export function optionFields(): OptionField[] {
  const engineKeys = new Set<string>([...Object.keys(DEFAULT_OPTIONS), 'heads']);
  const maps = new Set<string>(MAP_OPTIONS);
  return (Object.keys(OPTION_META) as OptionKey[])
    .filter((key) => engineKeys.has(key))
    .map((key) => ({ key, ...OPTION_META[key], flag: `--${OPTION_FLAGS[key]}`, needsMaps: maps.has(key) }));
}

/** What the form holds: a string per text field, a boolean per checkbox. */
export type Drafts = Partial<Record<OptionKey, string | boolean>>;

/** Option values (resolved or as a record stores them) → form strings. */
export function toDrafts(options: Partial<RhythmOptions> | Record<string, unknown>): Drafts {
  const o = { ...DEFAULT_OPTIONS, ...(options as Partial<RhythmOptions>) } as Record<string, unknown>;
  const out: Drafts = {};
  for (const f of optionFields()) {
    const v = o[f.key];
    if (f.kind === 'boolean') out[f.key] = v === true;
    else if (v === undefined || v === null) out[f.key] = f.kind === 'horizon' ? '∞' : '';
    else if (f.kind === 'heads') out[f.key] = JSON.stringify(v);
    else if (Array.isArray(v)) out[f.key] = v.join(', ');
    else if (v === Infinity || v === 'Infinity') out[f.key] = '∞';
    else out[f.key] = String(v);
  }
  return out;
}

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;

/**
 * A form string → the value handed to the engine. Numbers become numbers; anything else is passed through
 * unchanged so the engine's validation reports it in its own words. Only the JSON of `heads` is parsed here.
 */
export function parseDraft(field: Pick<OptionField, 'key' | 'kind'>, draft: string | boolean | undefined): unknown {
  if (typeof draft === 'boolean' || draft === undefined) return draft;
  const s = draft.trim();
  switch (field.kind) {
    case 'heads':
      if (s === '') return undefined;
      try {
        return JSON.parse(s);
      } catch {
        return s; // the engine rejects a string with its own message
      }
    case 'layers': {
      if (s === 'middle-third' || s === 'all') return s;
      const parts = s.split(/[\s,]+/).filter(Boolean);
      return parts.length && parts.every((x) => NUMBER.test(x)) ? parts.map(Number) : s;
    }
    case 'choice':
      return s;
    default:
      return NUMBER.test(s) ? Number(s) : s;
  }
}

export interface Validation {
  /** The resolved options when every field is valid. */
  options?: RhythmOptions;
  /** Engine message per field (without the 'field "x": ' prefix, which the form shows by position). */
  errors: Partial<Record<OptionKey, string>>;
}

function engineMessage(e: unknown): { field?: string; message: string } {
  if (!isInputError(e)) throw e;
  const field = e.where.field;
  const message = field ? e.message.replace(`field "${field}": `, '') : e.message;
  return { field, message };
}

/** Validates every field with the engine's resolveOptions; cross-field errors (H_lo > H_hi) go to the field the engine names. */
export function validateDrafts(drafts: Drafts): Validation {
  const fields = optionFields();
  const values: Record<string, unknown> = {};
  for (const f of fields) values[f.key] = parseDraft(f, drafts[f.key]);
  try {
    return { options: resolveOptions(values), errors: {} };
  } catch (e) {
    const whole = engineMessage(e);
    const errors: Validation['errors'] = {};
    for (const f of fields) {
      try {
        resolveOptions({ [f.key]: values[f.key] });
      } catch (err) {
        errors[f.key] = engineMessage(err).message;
      }
    }
    if (Object.keys(errors).length === 0) {
      const key = (whole.field?.split('.')[0] ?? 'layers') as OptionKey;
      errors[key in OPTION_META ? key : 'layers'] = whole.message;
    }
    return { errors };
  }
}

export interface ChangeKind {
  /** Option keys that differ between the analysed options and the new ones. */
  changed: OptionKey[];
  /** True when some change needs the attention maps again (engine's needsMaps). */
  needsMaps: boolean;
}

export function changeKind(
  analyzed: Partial<RhythmOptions> | Record<string, unknown>,
  next: RhythmOptions,
): ChangeKind {
  const a = resolveOptions(analyzed) as unknown as Record<string, unknown>;
  const b = next as unknown as Record<string, unknown>;
  const changed = optionFields()
    .map((f) => f.key)
    .filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]) || (a[k] === Infinity) !== (b[k] === Infinity));
  return { changed, needsMaps: needsMaps(analyzed as Partial<RhythmOptions>, next) };
}
