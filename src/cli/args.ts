/**
 * A small, strict command-line parser: `--flag value`, `--flag=value`, booleans (`--flag`, `--flag false`,
 * `--flag=false`, `--no-flag`), validated numbers. Unknown flags, missing values, repeated flags and stray
 * arguments are errors naming the flag, so a typo never silently falls back to a default.
 */

export class ArgumentError extends Error {
  override name = 'ArgumentError';
}

export function isArgumentError(e: unknown): e is ArgumentError {
  return e instanceof Error && e.name === 'ArgumentError';
}

export type FlagType = 'string' | 'int' | 'number' | 'boolean' | 'ints';

export interface FlagSpec {
  type: FlagType;
  help: string;
  /** Placeholder shown in help, e.g. DIR. */
  value?: string;
  required?: boolean;
  default?: string | number | boolean;
  min?: number;
  max?: number;
  /** For numbers: exclusive lower bound (e.g. temperature > 0 is min 0 + minExclusive). */
  minExclusive?: boolean;
  /** For numbers: accept `inf` / `infinity` as Infinity. */
  allowInf?: boolean;
  /** For strings: the accepted values. */
  choices?: readonly string[];
}

export type FlagSpecs = Record<string, FlagSpec>;

type ValueOf<S extends FlagSpec> = S['type'] extends 'boolean'
  ? boolean
  : S['type'] extends 'string'
    ? string
    : S['type'] extends 'ints'
      ? number[]
      : number;

export type ParsedFlags<T extends FlagSpecs> = { [K in keyof T]: ValueOf<T[K]> | undefined };

const BOOLEAN_WORD = /^(true|false|yes|no|1|0)$/i;
const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

function parseNumber(flag: string, spec: FlagSpec, text: string): number {
  let v: number;
  if (spec.allowInf && /^\+?inf(inity)?$/i.test(text)) v = Infinity;
  else if (NUMBER.test(text.trim())) v = Number(text);
  else
    throw new ArgumentError(
      `--${flag}: expected ${spec.type === 'int' ? 'an integer' : 'a number'}${spec.allowInf ? ' or inf' : ''}, got "${text}"`,
    );
  if (spec.type === 'int' && !Number.isSafeInteger(v))
    throw new ArgumentError(`--${flag}: expected an integer, got "${text}"`);
  if (spec.min !== undefined && (v < spec.min || (spec.minExclusive && v === spec.min))) {
    throw new ArgumentError(`--${flag}: must be ${spec.minExclusive ? '>' : '>='} ${spec.min}, got ${text}`);
  }
  if (spec.max !== undefined && v > spec.max) throw new ArgumentError(`--${flag}: must be <= ${spec.max}, got ${text}`);
  return v;
}

function convert(flag: string, spec: FlagSpec, text: string): string | number | boolean | number[] {
  switch (spec.type) {
    case 'string':
      if (spec.choices && !spec.choices.includes(text)) {
        throw new ArgumentError(`--${flag}: expected one of ${spec.choices.join(', ')}, got "${text}"`);
      }
      return text;
    case 'int':
    case 'number':
      return parseNumber(flag, spec, text);
    case 'ints': {
      const parts = text.split(',').map((s) => s.trim());
      if (parts.length === 0 || parts.some((p) => p === ''))
        throw new ArgumentError(`--${flag}: expected a comma-separated list of integers, got "${text}"`);
      return parts.map((p) => parseNumber(flag, { ...spec, type: 'int' }, p));
    }
    case 'boolean':
      if (/^(true|1|yes)$/i.test(text)) return true;
      if (/^(false|0|no)$/i.test(text)) return false;
      throw new ArgumentError(`--${flag}: expected true or false, got "${text}"`);
  }
}

/** Parses `argv` (the arguments after the command name) against `specs`. */
export function parseArgs<T extends FlagSpecs>(argv: string[], specs: T, command = ''): ParsedFlags<T> {
  const out: Record<string, unknown> = {};
  const seen = new Set<string>();
  const see = (flag: string) => {
    if (seen.has(flag)) throw new ArgumentError(`--${flag} given more than once`);
    seen.add(flag);
  };
  const helpHint = command ? ` (see rhythmscope ${command} --help)` : '';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--') || arg === '--') {
      throw new ArgumentError(`unexpected argument "${arg}"${helpHint}; options are given as --name value`);
    }
    const eq = arg.indexOf('=');
    let flag = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    let inline: string | undefined = eq >= 0 ? arg.slice(eq + 1) : undefined;
    if (
      !(flag in specs) &&
      flag.startsWith('no-') &&
      specs[flag.slice(3)]?.type === 'boolean' &&
      inline === undefined
    ) {
      flag = flag.slice(3);
      inline = 'false';
    }
    const spec = specs[flag];
    if (!spec) throw new ArgumentError(`unknown flag --${flag}${helpHint}`);
    see(flag);
    if (spec.type === 'boolean') {
      // `--sink true` as well as `--sink`: no command takes positional arguments, so a following
      // true/false can only be this flag's value.
      if (inline === undefined && BOOLEAN_WORD.test(argv[i + 1] ?? '')) inline = argv[++i];
      out[flag] = inline === undefined ? true : convert(flag, spec, inline);
      continue;
    }
    if (inline === undefined) {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('--') && next.length > 2))
        throw new ArgumentError(`--${flag} needs a value`);
      inline = next;
      i++;
    }
    out[flag] = convert(flag, spec, inline);
  }
  for (const [flag, spec] of Object.entries(specs)) {
    if (out[flag] !== undefined) continue;
    if (spec.required) throw new ArgumentError(`--${flag} is required${helpHint}`);
    if (spec.default !== undefined) out[flag] = spec.default;
  }
  return out as ParsedFlags<T>;
}

/** The options part of a command's --help, generated from its specs so help never drifts from the parser. */
export function formatFlags(specs: FlagSpecs): string {
  const rows = Object.entries(specs).map(([flag, s]) => {
    const value =
      s.type === 'boolean'
        ? ''
        : ` ${s.value ?? (s.choices ? s.choices.join('|') : s.type === 'string' ? 'TEXT' : s.type === 'ints' ? 'N,N,…' : 'N')}`;
    const extra = [s.required ? 'required' : '', s.default !== undefined ? `default ${s.default}` : '']
      .filter(Boolean)
      .join('; ');
    return [`  --${flag}${value}`, `${s.help}${extra ? ` (${extra})` : ''}`];
  });
  const width = Math.min(34, Math.max(...rows.map(([a]) => a.length)) + 2);
  return rows.map(([a, b]) => (a.length >= width ? `${a}\n${' '.repeat(width)}${b}` : a.padEnd(width) + b)).join('\n');
}
