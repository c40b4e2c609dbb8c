/**
 * `rhythmscope forward`: one forward pass, writing every layer's attention and the logits as an attention
 * dump (docs/formats.md). Each layer's attention is read inside the model's onAttention callback and appended
 * to a temporary file right away (one layer in memory at a time); the file is renamed into place when complete.
 */
import { InputError } from '../core/errors';
import { encodeAttentionDumpHeader } from '../core/io/dump';
import { AtomicFileWriter } from '../core/io/node-atomic';
import { float32Bytes } from '../core/io/safetensors';
import { formatFlags, parseArgs, type FlagSpecs } from './args';
import { CHAT_FLAGS, checkIds, checkOutputPath, formatBytes, loadModelDir, note, promptWrapper } from './common';

const FLAGS = {
  model: {
    type: 'string',
    value: 'DIR|ORG/NAME',
    required: true,
    help: 'model folder (config.json, model.safetensors, tokenizer), .zip, Hugging Face cache snapshot, or ORG/NAME[@REV] in the local cache',
  },
  ids: { type: 'ints', value: '1,2,3', min: 0, help: 'token ids of the whole sequence' },
  prompt: { type: 'string', help: 'text to encode with the model tokenizer (instead of --ids)' },
  ...CHAT_FLAGS,
  response: { type: 'string', help: 'with --prompt: response text appended; prompt_length = the prompt token count' },
  out: { type: 'string', value: 'FILE.safetensors', required: true, help: 'attention dump to write' },
  'prompt-length': {
    type: 'int',
    value: 'P',
    min: 0,
    help: 'tokens that belong to the prompt (default 0, or the --prompt token count with --response)',
  },
} as const satisfies FlagSpecs;

export const help = `Run one forward pass and write logits and every layer's attention to a dump
Usage: rhythmscope forward --model DIR (--ids 1,2,3 | --prompt TEXT [--response TEXT] [--chat [--no-thinking]]) --out FILE.safetensors [--prompt-length P]

Writes attn.L{l} [H, N, N] for every layer, logits [N, V], and metadata tokens, token_ids,
prompt_length, num_layers, model (docs/formats.md). The file appears only when complete.

Options:
${formatFlags(FLAGS)}`;

export async function run(argv: string[]): Promise<number> {
  const a = parseArgs(argv, FLAGS, 'forward');
  const out = a.out!;
  if ((a.ids === undefined) === (a.prompt === undefined))
    throw new InputError('give exactly one of --ids or --prompt', { field: '--ids' });
  if (a.response !== undefined && a.prompt === undefined)
    throw new InputError('--response needs --prompt', { field: '--response' });
  if (a.response !== undefined && a['prompt-length'] !== undefined) {
    throw new InputError('with --response the prompt length is the --prompt token count; drop --prompt-length', {
      field: '--prompt-length',
    });
  }
  await checkOutputPath(out);

  // Token ids need no tokenizer: a folder without one still runs, its tokens named by id ("#305").
  const { model, tokenizer } = await loadModelDir(a.model!, '--model', { tokenizerOptional: a.ids !== undefined });
  try {
    let ids: number[];
    let promptLength = a['prompt-length'] ?? 0;
    if (a.ids) ids = a.ids;
    else {
      const promptIds = tokenizer.encodePrompt(promptWrapper(tokenizer, a)(a.prompt!));
      ids = a.response !== undefined ? [...promptIds, ...tokenizer.encode(a.response)] : promptIds;
      if (a.response !== undefined) promptLength = promptIds.length;
    }
    const field = a.ids ? '--ids' : '--prompt';
    checkIds(ids, model.config.vocab_size, model.config.n_positions, field);
    if (promptLength >= ids.length) {
      throw new InputError(
        `${promptLength} leaves no response tokens (the sequence has ${ids.length}; need prompt length < N)`,
        { field: '--prompt-length' },
      );
    }

    const N = ids.length;
    const H = model.config.n_head;
    const L = model.config.n_layer;
    const V = model.config.vocab_size;
    // Every size is known before the pass, so the header goes first and each layer is appended to the
    // temporary file as the model produces it: memory stays at one layer's maps, not L of them.
    const writer = new AtomicFileWriter(out);
    try {
      writer.write(
        encodeAttentionDumpHeader({
          numHeads: H,
          seqLen: N,
          layerIndices: Array.from({ length: L }, (_, l) => l),
          numLayers: L,
          tokens: ids.map((id) => tokenizer.tokenString(id)),
          tokenIds: ids,
          promptLength,
          model: model.name,
          vocabSize: V,
        }),
      );
      let nextLayer = 0;
      const t0 = performance.now();
      const logitsT = model.forward(ids, {
        onAttention: (layer, probs) => {
          // The header promised layers 0..L-1 in order; anything else would make a corrupt file.
          if (layer !== nextLayer || probs.size !== H * N * N)
            throw new Error(`forward: got attention for layer ${layer} (${probs.shape}), expected layer ${nextLayer}`);
          writer.write(float32Bytes(probs.dataSync() as Float32Array)); // written before the tensor is freed
          nextLayer++;
        },
      });
      let logits: Float32Array;
      try {
        logits = logitsT.dataSync() as Float32Array;
      } finally {
        logitsT.dispose();
      }
      const ms = performance.now() - t0;
      if (nextLayer !== L) throw new Error(`forward: the model reported attention for ${nextLayer} of ${L} layers`);
      if (logits.length !== N * V)
        throw new Error(`forward: logits have ${logits.length} values, expected ${N} x ${V}`);
      writer.write(float32Bytes(logits));
      writer.commit();
      note(
        `forward: N=${N}, ${L} layers x ${H} heads in ${ms.toFixed(0)} ms; wrote ${out} (${formatBytes(writer.bytesWritten)})`,
      );
      return 0;
    } finally {
      writer.abort(); // no-op after commit; removes the partial temp file otherwise
    }
  } finally {
    model.dispose();
  }
}
