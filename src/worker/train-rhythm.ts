/**
 * Before/after rhythm of a fine-tuning run: the tuned model answers a prompt (greedy), then the starting model
 * and the tuned model are both teacher-forced on that same prompt + response and analysed with the same
 * rhythm options, so their WAAD and FAI line up token by token.
 */
import { InputError } from '../core/errors';
import { filesFromMap } from '../core/io/files';
import { readWeights } from '../core/io/weights';
import { generate } from '../core/model/generate';
import { Decoder } from '../core/model/decoder';
import type { ModelConfig } from '../core/model/types';
import type { RlOptions } from '../core/rl/options';
import { EVAL_SEED } from '../core/rl/trainer';
import { analyzeModel } from '../core/rhythm/analyze';
import type { RhythmOptions } from '../core/rhythm/options';
import type { Tokenizer } from '../core/tokenizer/types';
import { heldOutProblems } from '../core/train/data';
import type { BeforeAfterResult, ModelFolderBytes, RunRef } from './train-protocol';

export interface BeforeAfterBase {
  name: string;
  config: ModelConfig;
  tokenizer: Tokenizer;
  files: ModelFolderBytes;
}

export interface BeforeAfterRun {
  ref: RunRef;
  step: number;
  files: ModelFolderBytes;
  options: RlOptions;
}

/** The folder's weights (model.safetensors or an index and its shards) in the runtime's decoder. */
async function runtime(config: ModelConfig, files: ModelFolderBytes, name: string): Promise<Decoder> {
  return Decoder.fromSource(config, await readWeights(filesFromMap(name, files)), { name });
}

export async function beforeAfterRhythm(
  base: BeforeAfterBase,
  run: BeforeAfterRun,
  prompt: string | undefined,
  signal?: AbortSignal,
): Promise<BeforeAfterResult> {
  const tok = base.tokenizer;
  const text =
    prompt ?? heldOutProblems({ task: run.options.task, level: run.options.level, weight: 1 }, 1, EVAL_SEED)[0].prompt;
  if (text.length === 0) throw new InputError('the prompt is empty', { field: 'prompt' });
  const promptIds = tok.encodePrompt(text);
  const before = await runtime(base.config, base.files, base.name);
  let after: Decoder;
  try {
    after = await runtime(base.config, run.files, `${base.name}-${run.ref.key}`);
  } catch (e) {
    before.dispose();
    throw e;
  }
  try {
    const room = base.config.n_positions - promptIds.length;
    if (room < 2)
      throw new InputError(`the prompt fills the model's context (${base.config.n_positions} tokens)`, {
        field: 'prompt',
      });
    const gen = await generate(after, promptIds, {
      maxTokens: Math.min(run.options.maxTokens, room),
      temperature: 0,
      stopTokens: tok.eosId !== undefined ? [tok.eosId] : undefined,
      signal,
    });
    // The rhythm needs response rows; an immediate end token still gives one.
    const response = gen.ids.length > 0 ? gen.ids : tok.eosId !== undefined ? [tok.eosId] : [];
    if (response.length === 0) throw new Error('the tuned model produced no response');
    const ids = [...promptIds, ...response];
    const seq = { ids, promptLength: promptIds.length, tokens: ids.map((id) => tok.tokenString(id)) };
    const options = run.options.rhythm as Partial<RhythmOptions>;
    const a = analyzeModel(before, seq, options).record;
    const b = analyzeModel(after, seq, options).record;
    return {
      run: run.ref,
      step: run.step,
      prompt: text,
      response: tok.decode(response),
      tokens: seq.tokens.slice(promptIds.length),
      before: { waad: a.waad, fai: a.fai },
      after: { waad: b.waad, fai: b.fai },
    };
  } finally {
    before.dispose();
    after.dispose();
  }
}
