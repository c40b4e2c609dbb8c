/**
 * GPT-2 config.json entry points kept for the GPT-2-only code (training, checkpoints): parseGPT2Config refuses
 * every other family. Everything else parses with parseModelConfig (families.ts).
 */
import { ConfigReader } from './config-reader';
import { gpt2Family } from './family-gpt2';
import type { GPT2Config } from './types';

export { mlpWidth } from './family-gpt2';
export { countParams, parseModelConfig } from './families';

export function parseGPT2Config(text: string, fileName = 'config.json'): GPT2Config {
  const reader = ConfigReader.parse(text, fileName);
  const type = reader.obj.model_type;
  if (type === undefined) reader.fail('model_type', 'missing; expected "gpt2"');
  if (type !== 'gpt2')
    reader.fail('model_type', `unsupported model type ${JSON.stringify(type)}; only "gpt2" is supported here`);
  return gpt2Family.parseConfig(reader);
}
