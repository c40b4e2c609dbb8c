/**
 * `rhythmscope generate`: continues a prompt and streams the new text to stdout as tokens arrive.
 * Stops at the tokenizer's end-of-sequence token unless --no-stop-eos; Ctrl-C stops cleanly.
 */
import { InputError } from '../core/errors';
import { generate } from '../core/model/generate';
import { formatFlags, parseArgs, type FlagSpecs } from './args';
import { CHAT_FLAGS, checkIds, loadModelDir, note, promptWrapper } from './common';

const FLAGS = {
  model: {
    type: 'string',
    value: 'DIR|ORG/NAME',
    required: true,
    help: 'model folder, .zip, Hugging Face cache snapshot, or ORG/NAME[@REV] in the local cache',
  },
  prompt: { type: 'string', required: true, help: 'text to continue' },
  ...CHAT_FLAGS,
  'max-tokens': { type: 'int', min: 0, default: 64, help: 'new tokens at most' },
  temperature: { type: 'number', value: 'T', min: 0, help: 'sampling temperature; 0 or absent = greedy' },
  'top-k': { type: 'int', value: 'K', min: 1, help: 'sample among the K most likely tokens' },
  'top-p': { type: 'number', value: 'P', min: 0, minExclusive: true, max: 1, help: 'nucleus sampling mass' },
  seed: { type: 'int', value: 'S', help: 'random seed for sampling (default 0)' },
  'stop-eos': { type: 'boolean', default: true, help: 'stop at the end-of-sequence token (--no-stop-eos to continue)' },
  'no-cache': { type: 'boolean', help: 'recompute the whole sequence every step (slow; for checks)' },
} as const satisfies FlagSpecs;

export const help = `Generate text from a prompt, streaming it to stdout
Usage: rhythmscope generate --model DIR --prompt TEXT [--chat [--no-thinking]] [--max-tokens N --temperature T --top-k K --top-p P --seed S]

The prompt itself is not echoed; a summary (stop reason, tokens, speed) goes to stderr.

Options:
${formatFlags(FLAGS)}`;

/** Text decoders can emit U+FFFD for an incomplete multi-byte character; hold those back until complete. */
function stablePrefixLength(text: string): number {
  let end = text.length;
  while (end > 0 && text[end - 1] === '\uFFFD') end--;
  return end;
}

export async function run(argv: string[]): Promise<number> {
  const a = parseArgs(argv, FLAGS, 'generate');
  if (a['top-k'] !== undefined && !a.temperature)
    note('note: --top-k has no effect with greedy decoding (temperature 0)');
  const { model, tokenizer } = await loadModelDir(a.model!);
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  try {
    const promptIds = tokenizer.encodePrompt(promptWrapper(tokenizer, a)(a.prompt!));
    if (promptIds.length === 0) throw new InputError('encodes to no tokens', { field: '--prompt' });
    checkIds(promptIds, model.config.vocab_size, model.config.n_positions, '--prompt');

    const ids: number[] = [];
    let printed = 0; // characters of decode(ids) already written
    const stops = new Set(tokenizer.stopIds ?? (tokenizer.eosId === undefined ? [] : [tokenizer.eosId]));
    const t0 = performance.now();
    const result = await generate(model, promptIds, {
      maxTokens: a['max-tokens']!,
      temperature: a.temperature,
      topK: a['top-k'],
      topP: a['top-p'],
      seed: a.seed,
      stopTokens: a['stop-eos'] ? [...stops] : [],
      signal: controller.signal,
      useCache: !a['no-cache'],
      onToken: (id) => {
        if (stops.has(id) && a['stop-eos']) return; // the stop token itself is not text
        ids.push(id);
        // Decoding the whole continuation keeps byte-level BPE merges and multi-byte characters right.
        const text = tokenizer.decode(ids);
        const end = stablePrefixLength(text);
        if (end > printed) {
          process.stdout.write(text.slice(printed, end));
          printed = end;
        }
      },
    });
    const text = tokenizer.decode(ids);
    process.stdout.write(`${text.slice(printed)}\n`);
    const s = (performance.now() - t0) / 1000;
    note(
      `[generate] ${result.ids.length} tokens, stop: ${result.stopReason}, ${(result.ids.length / s).toFixed(1)} tokens/s`,
    );
    return result.stopReason === 'aborted' ? 130 : 0;
  } finally {
    process.off('SIGINT', onSigint);
    model.dispose();
  }
}
