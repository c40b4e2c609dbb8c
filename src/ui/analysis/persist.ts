/**
 * Settings in the page URL and localStorage, and the last document in localStorage. Pure encoders (tested in
 * Node) plus tiny storage wrappers that never throw (private mode, quota): persistence is a convenience.
 * URL form: one `rhythm.<option>=<value>` parameter per option that differs from its default, so a shared
 * link carries exactly the view's settings (e.g. `?rhythm.W=4&rhythm.H_hi=Infinity`).
 */
import { DEFAULT_OPTIONS, resolveOptions, type RhythmOptions } from '../../core/rhythm/options';

export const URL_PREFIX = 'rhythm.';
export const SETTINGS_KEY = 'rhythmscope.settings.v1';
export const DOCUMENT_KEY = 'rhythmscope.document.v1';
/** The stored document is text only; longer texts are not persisted (localStorage is small). */
export const MAX_DOCUMENT_CHARS = 200_000;

export type OptionValues = Record<string, unknown>;

const encodeValue = (v: unknown): string =>
  typeof v === 'string' ? v : v === Infinity ? 'Infinity' : JSON.stringify(v);

function decodeValue(text: string): unknown {
  if (text === 'Infinity') return Infinity;
  try {
    return JSON.parse(text);
  } catch {
    return text; // 'median', 'middle-third', ...
  }
}

/** The options that differ from the engine's defaults (what the URL and storage carry). */
export function changedOptions(options: OptionValues): OptionValues {
  const full = resolveOptions(options);
  const out: OptionValues = {};
  for (const [k, v] of Object.entries(full)) {
    const d = (DEFAULT_OPTIONS as unknown as OptionValues)[k];
    if (JSON.stringify(encodeValue(v)) !== JSON.stringify(encodeValue(d)) && v !== undefined) out[k] = v;
  }
  return out;
}

/** URL parameters for the options (defaults omitted). */
export function optionsToParams(options: OptionValues): [string, string][] {
  return Object.entries(changedOptions(options)).map(([k, v]) => [URL_PREFIX + k, encodeValue(v)]);
}

/** Options from a query string; an invalid value is dropped with a warning naming it (the rest stay). */
export function optionsFromSearch(search: string): { options: OptionValues; warnings: string[]; present: boolean } {
  const q = new URLSearchParams(search);
  const options: OptionValues = {};
  const warnings: string[] = [];
  let present = false;
  for (const [key, text] of q) {
    if (!key.startsWith(URL_PREFIX)) continue;
    present = true;
    const name = key.slice(URL_PREFIX.length);
    const candidate = { ...options, [name]: decodeValue(text) };
    try {
      resolveOptions(candidate);
      options[name] = candidate[name];
    } catch (e) {
      warnings.push(`URL parameter "${key}": ${e instanceof Error ? e.message : String(e)}; using the default`);
    }
  }
  return { options, warnings, present };
}

/** Stored options, validated; anything unreadable gives the defaults. */
export function parseStoredOptions(text: string | null): OptionValues {
  if (!text) return {};
  try {
    const raw = JSON.parse(text, (_k, v) => (v === 'Infinity' ? Infinity : v)) as OptionValues;
    resolveOptions(raw);
    return raw;
  } catch {
    return {};
  }
}

export function serializeOptions(options: OptionValues): string {
  return JSON.stringify(changedOptions(options), (_k, v) => (v === Infinity ? 'Infinity' : v));
}

export interface StoredDocument {
  prompt: string;
  response: string;
}

export function parseStoredDocument(text: string | null): StoredDocument | null {
  if (!text) return null;
  try {
    const d = JSON.parse(text) as Partial<StoredDocument>;
    return typeof d.prompt === 'string' && typeof d.response === 'string'
      ? { prompt: d.prompt, response: d.response }
      : null;
  } catch {
    return null;
  }
}

export function readStorage(key: string): string | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage.getItem(key);
  } catch {
    return null;
  }
}

export function writeStorage(key: string, value: string): void {
  try {
    if (typeof localStorage !== 'undefined' && value.length <= MAX_DOCUMENT_CHARS) localStorage.setItem(key, value);
  } catch {
    /* quota or private mode: not persisted */
  }
}

export type { RhythmOptions };
