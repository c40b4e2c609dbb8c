/**
 * The family registry: `model_type` -> its Family (family.ts). Parsing config.json goes through here, so an
 * unknown type is refused in one place with the list of supported ones.
 */
import { ConfigReader } from './config-reader';
import type { DecoderSpec, Family } from './family';
import { gpt2Family } from './family-gpt2';
import { llamaFamily } from './family-llama';
import type { ModelConfig } from './types';

const FAMILIES: Family[] = [gpt2Family as unknown as Family, llamaFamily as unknown as Family];

export const SUPPORTED_MODEL_TYPES: readonly string[] = FAMILIES.flatMap((f) => f.modelTypes);

export function familyOf(config: ModelConfig): Family {
  const family = FAMILIES.find((f) => f.modelTypes.includes(config.model_type));
  if (!family) throw new Error(`no model family for model_type ${JSON.stringify(config.model_type)}`);
  return family;
}

export function specOf(config: ModelConfig): DecoderSpec {
  return familyOf(config).spec(config);
}

/** config.json of any supported family, validated up front (InputError naming the file and the key). */
export function parseModelConfig(text: string, fileName = 'config.json'): ModelConfig {
  const reader = ConfigReader.parse(text, fileName);
  const type = reader.obj.model_type;
  const supported = SUPPORTED_MODEL_TYPES.map((t) => `"${t}"`).join(', ');
  if (type === undefined) reader.fail('model_type', `missing; expected one of ${supported}`);
  const family = FAMILIES.find((f) => f.modelTypes.includes(type as ModelConfig['model_type']));
  if (!family)
    return reader.fail('model_type', `unsupported model type ${JSON.stringify(type)}; supported: ${supported}`);
  return family.parseConfig(reader);
}

/** Floats per token one layer's K and V take in the cache: 2 · H_kv · hd. */
export function kvFloatsPerTokenLayer(config: ModelConfig): number {
  const s = specOf(config);
  return 2 * s.kvHeads * s.headDim;
}

/** Parameter count implied by a config: every stored tensor, plus V·D for an untied head. */
export function countParams(config: ModelConfig, tiedHead?: boolean): number {
  const family = familyOf(config);
  let n = 0;
  for (const { shape } of family.tensors(config)) n += shape.reduce((a, b) => a * b, 1);
  const untied = tiedHead === undefined ? config.model_type !== 'gpt2' && !config.tie_word_embeddings : !tiedHead;
  return n + (untied ? config.vocab_size * config.n_embd : 0);
}
