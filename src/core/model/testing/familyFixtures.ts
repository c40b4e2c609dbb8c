/**
 * Node-only access to the transformers-written fixtures under ./fixtures (scripts/make-family-fixtures.py):
 * each folder is a model as save_pretrained wrote it, plus expected.json with the eager forward's numbers.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { filesFromMap, type ModelFiles } from '../../io/files';

/** Llama-style fixtures (llama, qwen2, qwen3 and their RoPE scalings, biases and activations). */
export const LLAMA_FIXTURES = [
  'qwen3',
  'llama3',
  'qwen2-bf16-sharded',
  'llama-yarn-gelu',
  'qwen3-linear',
  'qwen2-dynamic',
] as const;
/** GPT2LMHeadModel fixtures: the default one and one with the attention-scale flags. */
export const GPT2_FIXTURES = ['gpt2', 'gpt2-unscaled-by-layer'] as const;
export const FIXTURE_NAMES = [...LLAMA_FIXTURES, ...GPT2_FIXTURES] as const;
export type FixtureName = (typeof FIXTURE_NAMES)[number];

export interface FixtureExpected {
  ids: number[];
  logits: number[][]; // [N, V]
  attentions: number[][][][]; // [L, H, N, N]
}

export function fixtureDir(name: FixtureName): string {
  return join(fileURLToPath(new URL('./fixtures', import.meta.url)), name);
}

export function fixtureExpected(name: FixtureName): FixtureExpected {
  return JSON.parse(readFileSync(join(fixtureDir(name), 'expected.json'), 'utf8')) as FixtureExpected;
}

/** The fixture folder's files (expected.json left out), with entries replaced or removed (undefined). */
export function fixtureFiles(
  name: FixtureName,
  patch: Record<string, Uint8Array | string | undefined> = {},
): ModelFiles {
  const entries: Record<string, Uint8Array | string> = {};
  for (const f of readdirSync(fixtureDir(name))) {
    if (f !== 'expected.json') entries[f] = new Uint8Array(readFileSync(join(fixtureDir(name), f)));
  }
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) delete entries[k];
    else entries[k] = v;
  }
  return filesFromMap(name, entries);
}

/** config.json of a fixture with keys changed (undefined deletes). */
export function patchedConfig(name: FixtureName, patch: Record<string, unknown>): string {
  const config = JSON.parse(readFileSync(join(fixtureDir(name), 'config.json'), 'utf8')) as Record<string, unknown>;
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) delete config[k];
    else config[k] = v;
  }
  return JSON.stringify(config);
}
