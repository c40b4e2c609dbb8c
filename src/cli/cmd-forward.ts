/**
 * `rhythmscope forward`: one forward pass, writing every layer's attention and the logits as an attention
 * dump (docs/formats.md). Attention is copied out layer by layer inside the model's onAttention callback,
 * so at most one layer's maps live as tensors at a time; the file is written atomically.
 */
import { InputError } from '../core/errors';
import { encodeAttentionDumpChunks } from '../core/io/dump';
import { writeFileAtomic } from '../core/io/node-atomic';
import { formatFlags, parseArgs, type FlagSpecs } from './args';
import { checkIds, checkOutputPath, formatBytes, loadModelDir, note } from './common';

const FLAGS = {
  model: { type: 'string', value: 'DIR', required: true, help: 'model folder (config.json, model.safetensors, tokenizer)' },
  ids: { type: 'ints', value: '1,2,3', min: 0, help: 'token ids of the whole sequence' },
  prompt: { type: 'string', help: 'text to encode with the model tokenizer (instead of --ids)' },
  response: { type: 'string', help: 'with --prompt: response text appended; prompt_length = the prompt token count' },
  out: { type: 'string', value: 'FILE.safetensors', required: true, help: 'attention dump to write' },
  'prompt-length': { type: 'int', value: 'P', min: 0, help: 'tokens that belong to the prompt (default 0, or the --prompt token count with --response)' },
} as const satisfies FlagSpecs;

export const help = `Run one forward pass and write logits and every layer's attention to a dump
Usage: rhythmscope forward --model DIR (--ids 1,2,3 | --prompt TEXT [--response TEXT]) --out FILE.safetensors [--prompt-length P]

Writes attn.L{l} [H, N, N] for every layer, logits [N, V], and metadata tokens, token_ids,
prompt_length, num_layers, model (docs/formats.md). The file appears only when complete.

Options:
${formatFlags(FLAGS)}`;

export async function run(argv: string[]): Promise<number> {
  const a = parseArgs(argv, FLAGS, 'forward');
  const out = a.out!;
  if ((a.ids === undefined) === (a.prompt === undefined)) throw new InputError('give exactly one of --ids or --prompt', { field: '--ids' });
  if (a.response !== undefined && a.prompt === undefined) throw new InputError('--response needs --prompt', { field: '--response' });
  if (a.response !== undefined && a['prompt-length'] !== undefined) {
    throw new InputError('with --response the prompt length is the --prompt token count; drop --prompt-length', { field: '--prompt-length' });
  }
  await checkOutputPath(out);

  const { model, tokenizer } = await loadModelDir(a.model!);
  try {
    let ids: number[];
    let promptLength = a['prompt-length'] ?? 0;
    if (a.ids) ids = a.ids;
    else {
      const promptIds = tokenizer.encode(a.prompt!);
      ids = a.response !== undefined ? [...promptIds, ...tokenizer.encode(a.response)] : promptIds;
      if (a.response !== undefined) promptLength = promptIds.length;
    }
    const field = a.ids ? '--ids' : '--prompt';
    checkIds(ids, model.config.vocab_size, model.config.n_positions, field);
    if (promptLength >= ids.length) {
      throw new InputError(`${promptLength} leaves no response tokens (the sequence has ${ids.length}; need prompt length < N)`, { field: '--prompt-length' });
    }

    const N = ids.length;
    const H = model.config.n_head;
    const layers = new Map<number, Float32Array>();
    const t0 = performance.now();
    const logitsT = model.forward(ids, {
      onAttention: (layer, probs) => {
        // dataSync may return the backend's own storage (cpu); copy so the array outlives the tensor.
        layers.set(layer, (probs.dataSync() as Float32Array).slice());
      },
    });
    let logits: Float32Array;
    try {
      logits = (logitsT.dataSync() as Float32Array).slice();
    } finally {
      logitsT.dispose();
    }
    const ms = performance.now() - t0;
    if (layers.size !== model.config.n_layer) {
      throw new Error(`the model reported attention for ${layers.size} of ${model.config.n_layer} layers`);
    }

    const chunks = encodeAttentionDumpChunks({
      numHeads: H,
      seqLen: N,
      layerIndices: [...layers.keys()],
      numLayers: model.config.n_layer,
      tokens: ids.map((id) => tokenizer.tokenString(id)),
      tokenIds: ids,
      promptLength,
      model: model.name,
      layers,
      logits: { data: logits, vocabSize: logits.length / N },
    });
    await writeFileAtomic(out, chunks);
    const bytes = chunks.reduce((n, c) => n + c.length, 0);
    note(`forward: N=${N}, ${layers.size} layers x ${H} heads in ${ms.toFixed(0)} ms; wrote ${out} (${formatBytes(bytes)})`);
    return 0;
  } finally {
    model.dispose();
  }
}
