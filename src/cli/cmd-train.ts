/**
 * `rhythmscope train` — supervised training on the built-in tasks (Node only): a new small GPT-2, or any model
 * folder the runtime loads (gpt2, llama, qwen2, qwen3) with `--from`. Checkpoints are HF model folders (+ optimizer
 * state) that `--resume` continues exactly.
 */
import * as tf from '@tensorflow/tfjs-core';
import { filesFromDir, isDirectory } from '../core/io/node-files';
import type { GPT2Config, ModelConfig } from '../core/model/types';
import { TASK_TOKENS, EOS_TOKEN, EOS_ID } from '../core/tasks/index';
import { CharTokenizer } from '../core/tokenizer/char';
import { DEFAULT_ADAM, type AdamConfig } from '../core/train/adam';
import { loadCheckpoint, type LoadedCheckpoint } from '../core/train/checkpoint';
import { checkTaskFit } from '../core/train/folder';
import { writeCheckpointDir } from '../core/train/checkpoint-node';
import { parseMix } from '../core/train/data';
import { registerGradientsNode } from '../core/train/gradients-node';
import { runTraining } from '../core/train/loop';
import { ArgumentError, formatFlags, parseArgs, type FlagSpecs } from './args';
import { openModel } from './common';

/** The built-in model's first-phase mix (public/models/rhythm-mini/README.md lists every phase). */
export const BUILTIN_MIX =
  'addition:1:4,addition:2:3,addition:3:2,addition:4:0.5,countdown:1:1.5,countdown:2:0.75,multistep:1:1,multistep:2:0.75,multistep:3:0.25';

const FLAGS = {
  out: {
    type: 'string',
    value: 'DIR',
    required: true,
    help: 'checkpoint folder (HF model files + optimizer.safetensors + trainer_state.json)',
  },
  from: {
    type: 'string',
    value: 'DIR',
    help: 'start from this model folder or .zip (gpt2, llama, qwen2, qwen3) instead of a new GPT-2; its tokenizer must encode the tasks',
  },
  resume: {
    type: 'boolean',
    help: 'continue from the checkpoint in --out (same data order unless --mix is given; schedule from --steps)',
  },
  steps: { type: 'int', min: 1, default: 2000, help: 'total optimizer steps' },
  'batch-size': { type: 'int', min: 1, default: 32, help: 'sequences per step' },
  seed: { type: 'int', min: 0, default: 1, help: 'seed for the initial weights and the data' },
  lr: { type: 'number', min: 0, minExclusive: true, default: DEFAULT_ADAM.lr, help: 'peak learning rate' },
  warmup: { type: 'int', min: 0, default: DEFAULT_ADAM.warmupSteps, help: 'linear warm-up steps' },
  'min-lr-fraction': {
    type: 'number',
    min: 0,
    max: 1,
    default: DEFAULT_ADAM.minLrFraction,
    help: 'cosine ends at lr times this',
  },
  'weight-decay': {
    type: 'number',
    min: 0,
    default: DEFAULT_ADAM.weightDecay,
    help: 'decoupled weight decay (matrices only)',
  },
  clip: { type: 'number', min: 0, default: DEFAULT_ADAM.clipNorm, help: 'global gradient-norm clip (0 = off)' },
  mix: { type: 'string', value: 'LIST', default: BUILTIN_MIX, help: 'task:level:weight,... training mix' },
  'n-layer': { type: 'int', min: 1, default: 3, help: 'new model: layers' },
  'n-head': { type: 'int', min: 1, default: 4, help: 'new model: heads' },
  'n-embd': { type: 'int', min: 1, default: 96, help: 'new model: width (divisible by n-head)' },
  'n-positions': { type: 'int', min: 8, default: 256, help: 'new model: context length' },
  activation: { type: 'string', choices: ['relu', 'gelu_new'], default: 'relu', help: 'new model: MLP activation' },
  'eval-every': { type: 'int', min: 0, default: 200, help: 'held-out evaluation every N steps (0 = only at the end)' },
  'eval-problems': { type: 'int', min: 1, default: 32, help: 'held-out problems per mix entry' },
  'checkpoint-every': { type: 'int', min: 0, default: 100, help: 'checkpoint every N steps (and always at the end)' },
  'max-minutes': {
    type: 'number',
    min: 0,
    default: 0,
    help: 'stop with a checkpoint after this many minutes (0 = no limit)',
  },
} as const satisfies FlagSpecs;

export const help = `Train on the verifiable tasks (supervised, loss on the completion): a new character-level GPT-2,
or any supported model folder (--from)
Usage: rhythmscope train --out DIR [--from MODEL] [--steps N --batch-size B --seed S --lr X --mix LIST] [--resume]

With --resume and a checkpoint in --out, that checkpoint continues (any family); otherwise --from's model, or a
new GPT-2 (--n-layer, --n-head, --n-embd, --n-positions, --activation), starts at step 0.

Progress lines (step, examples/s, loss, learning rate, gradient norm, ETA; held-out accuracy) go to stdout.
The checkpoint folder is a Hugging Face model folder: \`rhythmscope eval --model DIR\` and the app load it.

Options:
${formatFlags(FLAGS)}`;

/** Gradients for plain Node (main has already chosen the backend). */
export async function initNodeTraining(): Promise<void> {
  await registerGradientsNode();
}

export async function run(argv: string[]): Promise<number> {
  const a = parseArgs(argv, FLAGS, 'train');
  const out = a.out!;
  const steps = a.steps!;
  const adam: AdamConfig = {
    ...DEFAULT_ADAM,
    lr: a.lr!,
    warmupSteps: a.warmup!,
    minLrFraction: a['min-lr-fraction']!,
    weightDecay: a['weight-decay']!,
    clipNorm: a.clip!,
    totalSteps: steps,
  };
  let mix;
  try {
    mix = parseMix(a.mix!);
  } catch (e) {
    throw new ArgumentError(`--mix: ${(e as Error).message}`);
  }
  // On --resume the run keeps its mix unless --mix is given (e.g. to shift the mix for a second phase).
  const mixGiven = argv.some((x) => x === '--mix' || x.startsWith('--mix='));
  const resumed = a.resume && (await isDirectory(out)) ? await loadCheckpoint(filesFromDir(out)) : undefined;
  if (a.resume && !resumed)
    console.log(`no checkpoint in ${out} yet; starting ${a.from ? `from ${a.from}` : 'a new model'}`);
  // --from: the folder's weights and tokenizer, a fresh optimizer and step 0.
  let from: LoadedCheckpoint | undefined;
  if (!resumed && a.from) {
    from = { ...(await loadCheckpoint(await openModel(a.from, '--from'))), optimizer: undefined, state: undefined };
    checkTaskFit(from.config, from.tokenizer, mix, a.from);
  }
  const resumeFrom = resumed ?? from;
  const charTokenizer = new CharTokenizer([...TASK_TOKENS], { eosToken: EOS_TOKEN });
  const tokenizer = resumeFrom?.tokenizer ?? charTokenizer;
  if (!resumeFrom && a['n-embd']! % a['n-head']! !== 0)
    throw new ArgumentError('--n-embd must be divisible by --n-head');
  const config: ModelConfig = resumeFrom?.config ?? {
    model_type: 'gpt2',
    n_layer: a['n-layer']!,
    n_head: a['n-head']!,
    n_embd: a['n-embd']!,
    n_positions: a['n-positions']!,
    vocab_size: tokenizer.vocabSize,
    layer_norm_epsilon: 1e-5,
    activation_function: a.activation as GPT2Config['activation_function'],
    bos_token_id: EOS_ID,
    eos_token_id: EOS_ID,
    raw: {},
  };
  await initNodeTraining();
  const summary = await runTraining({
    config,
    tokenizer,
    tokenizerFiles: resumeFrom?.tokenizerFiles ?? charTokenizer,
    mix: mixGiven || !resumeFrom?.state ? mix : resumeFrom.state.mix,
    steps,
    adam,
    batchSize: resumeFrom?.state?.batch_size ?? a['batch-size']!,
    seed: resumeFrom?.state?.seed ?? a.seed!,
    evalEvery: a['eval-every']!,
    evalProblems: a['eval-problems']!,
    checkpointEvery: a['checkpoint-every']!,
    maxSeconds: a['max-minutes']! * 60,
    extraState: { command: `rhythmscope train ${argv.join(' ')}`, backend: tf.getBackend(), node: process.version },
    resumeFrom,
    save: (files) => writeCheckpointDir(out, files),
    log: (line) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`),
  });
  console.log(
    `done: ${summary.steps} steps in ${Math.round(summary.seconds)} s, last loss ${summary.lastLoss.toFixed(4)}${summary.stoppedEarly ? ' (stopped early)' : ''}`,
  );
  return 0;
}
