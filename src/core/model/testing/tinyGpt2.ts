/**
 * Deterministic random GPT-2 models for tests, fixtures and benchmarks, in the Hugging Face layout.
 * Same seed and options -> bit-identical weights. Weights are scaled so activations stay O(1) and the
 * attention is far from uniform (a GPT-2-init 0.02 std would give flat maps and weak tests).
 */
import { filesFromMap, type ModelFiles } from '../../io/files';
import { writeSafetensors, type TensorSource } from '../../io/safetensors';
import { mulberry32 } from '../sampling';

export interface TinyGpt2Options {
  nLayer?: number;
  nHead?: number;
  nEmbd?: number;
  nPositions?: number;
  /** Defaults to the size of the built-in character vocabulary (charVocabTokens()). */
  vocabSize?: number;
  seed?: number;
  /** Name tensors "transformer.wte.weight" etc. (as GPT2LMHeadModel saves them). */
  prefix?: boolean;
  /** true (default): no lm_head.weight; false: write lm_head.weight as a copy of wte. */
  tiedHead?: boolean;
  /**
   * Uniform draws with the same std instead of Gaussian ones: ~3x faster to make, for benchmark-sized
   * models (124M values) whose exact distribution does not matter.
   */
  fastInit?: boolean;
  /** Include the attn.bias / attn.masked_bias buffers old HF checkpoints carry (they must be ignored). */
  buffers?: boolean;
}

export interface NamedTensor {
  name: string;
  shape: number[];
  data: Float32Array;
}

/**
 * Printable characters: "<eos>", "\n", " ", digits, the rest of printable ASCII, then Latin Extended
 * letters (U+0100...) when a bigger vocabulary is asked for.
 */
export function charVocabTokens(size?: number): string[] {
  const tokens = ['<eos>', '\n', ' ', ...'0123456789'];
  for (let cp = 33; cp <= 126; cp++) {
    const ch = String.fromCharCode(cp);
    if (!tokens.includes(ch)) tokens.push(ch);
  }
  const n = size ?? tokens.length;
  for (let cp = 0x100; tokens.length < n && cp <= 0x24f; cp++) tokens.push(String.fromCharCode(cp));
  if (tokens.length < n) throw new Error(`charVocabTokens: at most ${tokens.length} tokens, asked for ${n}`);
  return tokens.slice(0, n);
}

/** Most tokens charVocabTokens can make (97 ASCII-based + 336 Latin Extended letters). */
export const MAX_CHAR_VOCAB = 433;

export function charVocabJson(size?: number): string {
  return JSON.stringify({ type: 'char', tokens: charVocabTokens(size), eos_token: '<eos>' });
}

/** Standard normal draws from a seeded uniform source (Box-Muller). */
function gaussian(rng: () => number): () => number {
  return () => {
    const u = 1 - rng(); // (0, 1]
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
  };
}

export function makeTinyGpt2(opts: TinyGpt2Options = {}): { configJson: string; tensors: NamedTensor[] } {
  const L = opts.nLayer ?? 2;
  const H = opts.nHead ?? 4;
  const D = opts.nEmbd ?? 32;
  const P = opts.nPositions ?? 128;
  const V = opts.vocabSize ?? charVocabTokens().length;
  if (D % H !== 0) throw new Error(`makeTinyGpt2: nEmbd ${D} is not divisible by nHead ${H}`);
  const rng = mulberry32(opts.seed ?? 1234);
  const randn = opts.fastInit ? () => Math.sqrt(3) * (2 * rng() - 1) : gaussian(rng);
  const pre = opts.prefix ? 'transformer.' : '';
  const tensors: NamedTensor[] = [];
  const add = (name: string, shape: number[], fill: () => number) => {
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < data.length; i++) data[i] = fill();
    tensors.push({ name, shape, data });
    return data;
  };
  const normal =
    (std: number, mean = 0) =>
    () =>
      mean + std * randn();

  const wte = add(`${pre}wte.weight`, [V, D], normal(1));
  add(`${pre}wpe.weight`, [P, D], normal(0.5));
  for (let i = 0; i < L; i++) {
    const p = `${pre}h.${i}.`;
    add(`${p}ln_1.weight`, [D], normal(0.1, 1));
    add(`${p}ln_1.bias`, [D], normal(0.1));
    // Larger q/k weights give peaked, varied attention maps, which make the tests discriminating.
    add(`${p}attn.c_attn.weight`, [D, 3 * D], normal(2 / Math.sqrt(D)));
    add(`${p}attn.c_attn.bias`, [3 * D], normal(0.1));
    if (opts.buffers) {
      add(`${p}attn.bias`, [1, 1, P, P], () => 0);
      add(`${p}attn.masked_bias`, [], () => -1e4);
    }
    add(`${p}attn.c_proj.weight`, [D, D], normal(1 / Math.sqrt(D)));
    add(`${p}attn.c_proj.bias`, [D], normal(0.1));
    add(`${p}ln_2.weight`, [D], normal(0.1, 1));
    add(`${p}ln_2.bias`, [D], normal(0.1));
    add(`${p}mlp.c_fc.weight`, [D, 4 * D], normal(1 / Math.sqrt(D)));
    add(`${p}mlp.c_fc.bias`, [4 * D], normal(0.1));
    add(`${p}mlp.c_proj.weight`, [4 * D, D], normal(1 / Math.sqrt(4 * D)));
    add(`${p}mlp.c_proj.bias`, [D], normal(0.1));
  }
  add(`${pre}ln_f.weight`, [D], normal(0.1, 1));
  add(`${pre}ln_f.bias`, [D], normal(0.1));
  if (opts.tiedHead === false) tensors.push({ name: 'lm_head.weight', shape: [V, D], data: wte.slice() });

  const config = {
    model_type: 'gpt2',
    architectures: ['GPT2LMHeadModel'],
    n_layer: L,
    n_head: H,
    n_embd: D,
    n_positions: P,
    n_ctx: P,
    vocab_size: V,
    layer_norm_epsilon: 1e-5,
    activation_function: 'gelu_new',
    bos_token_id: 0,
    eos_token_id: 0,
  };
  return { configJson: JSON.stringify(config, null, 2) + '\n', tensors };
}

/** config.json + model.safetensors + char_vocab.json of a tiny random model, in memory. */
export function tinyGpt2Files(opts: TinyGpt2Options = {}, name = 'tiny-gpt2'): ModelFiles {
  const { configJson, tensors } = makeTinyGpt2(opts);
  const vocabSize = (JSON.parse(configJson) as { vocab_size: number }).vocab_size;
  return filesFromMap(name, {
    'config.json': configJson,
    'model.safetensors': writeSafetensors(tensors, { format: 'pt' }),
    'char_vocab.json': charVocabJson(Math.min(vocabSize, MAX_CHAR_VOCAB)),
  });
}

/**
 * An in-memory TensorSource over named F32 tensors, skipping the safetensors round trip (benchmarks build
 * GPT-2-small-sized models this way without a second 500 MB buffer). getFloat32 returns a copy, as the
 * file-backed source does.
 */
export function sourceFromTensors(tensors: NamedTensor[], fileName = 'in-memory.safetensors'): TensorSource {
  const byName = new Map(tensors.map((t) => [t.name, t]));
  return {
    fileName,
    metadata: {},
    names: tensors.map((t) => t.name),
    info: (name) => {
      const t = byName.get(name);
      return t && { name, dtype: 'F32', shape: [...t.shape] };
    },
    getFloat32: (name) => {
      const t = byName.get(name);
      if (!t) throw new Error(`${fileName}: no tensor "${name}"`);
      return t.data.slice();
    },
  };
}
