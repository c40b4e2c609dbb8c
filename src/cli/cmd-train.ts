/**
 * `rhythmscope train` — supervised training of a small GPT-2 on the built-in tasks (Node only).
 * Checkpoints are HF model folders (+ optimizer state) that `--resume` continues exactly.
 */
import * as tf from '@tensorflow/tfjs-core';
import { isInputError } from '../core/errors';
import { filesFromDir, isDirectory } from '../core/io/node-files';
import type { GPT2Config } from '../core/model/types';
import { TASK_TOKENS, EOS_TOKEN, EOS_ID } from '../core/tasks/index';
import { CharTokenizer } from '../core/tokenizer/char';
import { DEFAULT_ADAM, type AdamConfig } from '../core/train/adam';
import { loadCheckpoint } from '../core/train/checkpoint';
import { writeCheckpointDir } from '../core/train/checkpoint-node';
import { formatMix, parseMix } from '../core/train/data';
import { registerGradientsNode } from '../core/train/gradients-node';
import { runTraining } from '../core/train/loop';

/** The built-in model's task mix: easy levels well covered, hard levels kept thin for RL headroom. */
export const BUILTIN_MIX =
  'addition:1:3,addition:2:2.5,addition:3:2,addition:4:0.5,countdown:1:2,countdown:2:1,countdown:3:0.5,multistep:1:1.5,multistep:2:1,multistep:3:0.5';

export const help = `rhythmscope train --out DIR [options]
  Trains a character-level GPT-2 on the verifiable tasks (addition, countdown, multistep).
  --out DIR              checkpoint folder (HF layout + optimizer.safetensors + trainer_state.json)
  --resume               continue from the checkpoint in --out (same data order, same schedule)
  --steps N              total optimizer steps (default 2000)
  --batch-size B         sequences per step (default 32)
  --seed S               seed for init and data (default 1)
  --lr X --warmup N --min-lr-fraction F --weight-decay W --clip C   Adam schedule (defaults ${DEFAULT_ADAM.lr}, ${DEFAULT_ADAM.warmupSteps}, ${DEFAULT_ADAM.minLrFraction}, ${DEFAULT_ADAM.weightDecay}, ${DEFAULT_ADAM.clipNorm})
  --mix LIST             task:level:weight,... (default the built-in mix)
  --n-layer 4 --n-head 4 --n-embd 128 --n-positions 256 --activation relu   new-model shape
  --eval-every N --eval-problems N --checkpoint-every N   (defaults 200, 32, 100)
  --max-minutes M        stop with a checkpoint after M minutes of this process (default none)
  --backend wasm|cpu     (default wasm)`;

type Flags = Map<string, string | true>;

function parseFlags(argv: string[]): Flags {
  const flags: Flags = new Map();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) throw new Error(`unexpected argument "${a}"`);
    const key = a.slice(2);
    const next = argv[i + 1];
    if (next === undefined || next.startsWith('--')) flags.set(key, true);
    else {
      flags.set(key, next);
      i++;
    }
  }
  return flags;
}

function num(flags: Flags, key: string, fallback: number, integer = false): number {
  const v = flags.get(key);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (v === true || !Number.isFinite(n) || (integer && !Number.isInteger(n)) || n < 0) {
    throw new Error(`--${key}: expected a ${integer ? 'non-negative integer' : 'non-negative number'}, got ${JSON.stringify(v)}`);
  }
  return n;
}

export async function initNodeTraining(backend: string): Promise<string> {
  await registerGradientsNode();
  if (backend === 'wasm') {
    await import('@tensorflow/tfjs-backend-wasm');
    if (await tf.setBackend('wasm')) return 'wasm';
  }
  await import('@tensorflow/tfjs-backend-cpu');
  await tf.setBackend('cpu');
  return 'cpu';
}

export async function run(argv: string[]): Promise<number> {
  let flags: Flags;
  try {
    flags = parseFlags(argv);
    if (flags.has('help')) {
      console.log(help);
      return 0;
    }
    const out = flags.get('out');
    if (typeof out !== 'string') throw new Error('--out DIR is required');
    const steps = num(flags, 'steps', 2000, true);
    const adam: AdamConfig = {
      ...DEFAULT_ADAM,
      lr: num(flags, 'lr', DEFAULT_ADAM.lr),
      warmupSteps: num(flags, 'warmup', DEFAULT_ADAM.warmupSteps, true),
      minLrFraction: num(flags, 'min-lr-fraction', DEFAULT_ADAM.minLrFraction),
      weightDecay: num(flags, 'weight-decay', DEFAULT_ADAM.weightDecay),
      clipNorm: num(flags, 'clip', DEFAULT_ADAM.clipNorm),
      totalSteps: steps,
    };
    const mixText = flags.get('mix');
    const mix = parseMix(typeof mixText === 'string' ? mixText : BUILTIN_MIX);
    const resume = flags.has('resume') && (await isDirectory(out));
    const resumeFrom = resume ? await loadCheckpoint(filesFromDir(out)) : undefined;
    const tokenizer = resumeFrom?.tokenizer ?? new CharTokenizer([...TASK_TOKENS], { eosToken: EOS_TOKEN });
    const activation = String(flags.get('activation') ?? 'relu') as GPT2Config['activation_function'];
    const config: GPT2Config = resumeFrom?.config ?? {
      model_type: 'gpt2', n_layer: num(flags, 'n-layer', 4, true), n_head: num(flags, 'n-head', 4, true),
      n_embd: num(flags, 'n-embd', 128, true), n_positions: num(flags, 'n-positions', 256, true),
      vocab_size: tokenizer.vocabSize, layer_norm_epsilon: 1e-5, activation_function: activation,
      bos_token_id: EOS_ID, eos_token_id: EOS_ID, raw: {},
    };
    const backend = await initNodeTraining(String(flags.get('backend') ?? 'wasm'));
    const seed = resumeFrom?.state?.seed ?? num(flags, 'seed', 1, true);
    const summary = await runTraining({
      config, tokenizer, mix: resumeFrom?.state?.mix ?? mix, steps, adam,
      batchSize: resumeFrom?.state?.batch_size ?? num(flags, 'batch-size', 32, true), seed,
      evalEvery: num(flags, 'eval-every', 200, true), evalProblems: num(flags, 'eval-problems', 32, true),
      checkpointEvery: num(flags, 'checkpoint-every', 100, true), maxSeconds: num(flags, 'max-minutes', 0) * 60,
      extraState: { command: `rhythmscope train ${argv.join(' ')}`, backend, node: process.version },
      resumeFrom,
      save: (files) => writeCheckpointDir(out, files),
      log: (line) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`),
    });
    console.log(`done: ${summary.steps} steps in ${Math.round(summary.seconds)} s, last loss ${summary.lastLoss.toFixed(4)}${summary.stoppedEarly ? ' (stopped early)' : ''}; mix ${formatMix(mix)}`);
    return 0;
  } catch (e) {
    if (isInputError(e) || (e instanceof Error && /^--|unexpected argument|bad mix/.test(e.message))) {
      console.error(`rhythmscope train: ${(e as Error).message}`);
      return 2;
    }
    throw e;
  }
}
