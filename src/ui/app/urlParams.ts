/**
 * Settings that can be given in the page URL: `?backend=wasm`, `?model=<url of a model folder>` or
 * `?model=hf:ORG/NAME@REV` (a Hub model), `?hub=<endpoint URL>` (a Hub mirror),
 * `?builtin=<id>` (a built-in model instead of the best one found), `?test=1` (exposes window.__rhythmscope
 * for the e2e tests). The rhythm options travel as `rhythm.<option>=` (src/ui/analysis/persist.ts).
 */
import type { BackendName } from '../../core/backend/index';

export const BACKEND_CHOICES = ['auto', 'webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

export interface AppParams {
  backend: BackendChoice;
  model?: string;
  /** Hub endpoint (a mirror); validated where it is used. */
  hub?: string;
  builtin?: string;
  test: boolean;
  /** Problems with the given parameters, shown to the user rather than silently ignored. */
  warnings: string[];
}

export function isBackendChoice(v: string): v is BackendName | 'auto' {
  return (BACKEND_CHOICES as readonly string[]).includes(v);
}

export function parseAppParams(search: string): AppParams {
  const q = new URLSearchParams(search);
  const warnings: string[] = [];
  let backend: BackendChoice = 'auto';
  const b = q.get('backend');
  if (b !== null) {
    const v = b.trim().toLowerCase();
    if (isBackendChoice(v)) backend = v;
    else warnings.push(`URL parameter "backend": unknown value "${b}" (use ${BACKEND_CHOICES.join(', ')}); using auto`);
  }
  const model = q.get('model')?.trim() || undefined;
  const builtin = q.get('builtin')?.trim() || undefined;
  const hub = q.get('hub')?.trim() || undefined;
  const test = q.get('test') === '1';
  return { backend, model, hub, builtin, test, warnings };
}

/** The same URL with one query parameter set (or removed when value is undefined). */
export function withParam(href: string, key: string, value: string | undefined): string {
  const url = new URL(href);
  if (value === undefined) url.searchParams.delete(key);
  else url.searchParams.set(key, value);
  return url.toString();
}
