/**
 * The training worker on the transformers-written Llama-family fixtures (llama3 RoPE scaling + untied head, Qwen3's
 * q/k norms, Qwen2's BF16 shards), each with the tasks' character vocabulary: a comparison runs, its checkpoints
 * keep the folder's config and tokenizer, load in the runtime, resume, and the before/after view works.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '../core/train/gradients';
import { initNodeBackend } from '../core/backend/node';
import { filesFromMap } from '../core/io/files';
import { loadModel } from '../core/model/load';
import { fixtureDir, type FixtureName } from '../core/model/testing/familyFixtures';
import { paddedTaskVocabJson } from '../core/train/testing/vocab';
import type { CallContext } from './host';
import { createTrainEngine } from './train';
import type { SharedRlOptions, TrainEvent, TrainModel, TrainOperations } from './train-protocol';

const OPTIONS: SharedRlOptions = {
  task: 'addition',
  level: 1,
  steps: 2,
  prompts: 2,
  group: 2,
  maxTokens: 6,
  evalProblems: 2,
  evalEvery: 2,
  lr: 1e-2,
};

/** A fixture folder as the page sends it, with the tasks' vocabulary (padded to the model's 64 ids) as its vocab. */
function fixtureModel(name: FixtureName): TrainModel {
  const files: Record<string, ArrayBuffer> = {};
  for (const f of readdirSync(fixtureDir(name))) {
    if (f !== 'expected.json') files[f] = new Uint8Array(readFileSync(join(fixtureDir(name), f))).buffer;
  }
  files['char_vocab.json'] = new TextEncoder().encode(paddedTaskVocabJson(64)).buffer;
  return { name, files };
}

function ctx<K extends keyof TrainOperations>(events: TrainEvent[] = []): CallContext<K, TrainOperations> {
  return { signal: new AbortController().signal, progress: () => {}, emit: (e) => events.push(e as TrainEvent) };
}

const decode = (b: Uint8Array) => JSON.parse(new TextDecoder().decode(b)) as Record<string, unknown>;

describe('train engine on the Llama-family fixtures (Node wasm)', () => {
  const engine = createTrainEngine({ initBackend: (b) => initNodeBackend(b) });
  beforeAll(async () => {
    await engine.handlers.init({ backend: 'wasm' }, ctx());
  });

  it.each(['llama3', 'qwen3', 'qwen2-bf16-sharded'] as const)(
    '%s: runs, checkpoints keep config and tokenizer, the export loads and resumes; before/after works',
    async (name) => {
      const model = fixtureModel(name);
      const events: TrainEvent[] = [];
      const res = await engine.handlers.start(
        { model, options: OPTIONS, strategies: ['coupled'], seeds: [0], checkpointEvery: 1 },
        ctx(events),
      );
      expect(res.runs.map((r) => [r.run.key, r.steps, r.aborted])).toEqual([['coupled-s0', 2, false]]);
      const lines = events.flatMap((e) => (e.kind === 'line' ? [e.line] : []));
      expect(lines.map((l) => l.step)).toEqual([1, 2]);
      expect(lines.every((l) => Number.isFinite(l.loss) && !l.nan_abort)).toBe(true);

      const mid = events.find((e) => e.kind === 'checkpoint' && !e.final);
      if (!mid || mid.kind !== 'checkpoint') throw new Error('no intermediate checkpoint');
      // Training changes no hyperparameter: the family's config.json comes back with the same keys and values.
      const config = decode(new Uint8Array(model.files['config.json']));
      expect(decode(mid.files['config.json'])).toEqual(config);
      expect(new TextDecoder().decode(mid.files['char_vocab.json'])).toBe(paddedTaskVocabJson(64));
      expect(Object.keys(mid.files).sort()).toEqual(
        ['char_vocab.json', 'config.json', 'model.safetensors', 'optimizer.safetensors'].sort(),
      );

      const out = await engine.handlers.exportRun({}, ctx());
      const loaded = await loadModel(filesFromMap('tuned', out.files));
      expect(loaded.model.config.model_type).toBe(config.model_type);
      const logits = loaded.model.forward([1, 2, 3]);
      expect(Array.from(logits.dataSync()).every(Number.isFinite)).toBe(true);
      logits.dispose();
      loaded.model.dispose();

      const ba = await engine.handlers.beforeAfter({}, ctx());
      expect(ba.before.waad.length).toBe(ba.tokens.length);
      expect(ba.after.fai.length).toBe(ba.tokens.length);

      // The step-1 checkpoint (weights + Adam) continues to step 2.
      const resumeFiles: Record<string, ArrayBuffer> = {};
      for (const [k, v] of Object.entries(mid.files)) resumeFiles[k] = v.slice().buffer;
      const plan = events.find((e) => e.kind === 'plan');
      if (!plan || plan.kind !== 'plan') throw new Error('no plan');
      const resumed: TrainEvent[] = [];
      const before = tf.memory().numTensors;
      await engine.handlers.start(
        {
          model: { name: `${name}-ck`, files: resumeFiles },
          options: OPTIONS,
          strategies: [],
          seeds: [],
          resume: {
            run: mid.run,
            options: plan.options[0],
            step: mid.step,
            adamStep: mid.adamStep!,
            initialAccuracy: null,
          },
        },
        ctx(resumed),
      );
      expect(resumed.flatMap((e) => (e.kind === 'line' ? [e.line.step] : []))).toEqual([2]);
      expect(tf.memory().numTensors).toBeLessThanOrEqual(before + 1); // see train.test.ts: core leaks ≤ 1 per run
    },
    60_000,
  );

  it('a folder whose vocabulary has no end token is refused by name before anything starts', async () => {
    const model = fixtureModel('qwen3');
    model.files['char_vocab.json'] = new Uint8Array(readFileSync(join(fixtureDir('qwen3'), 'char_vocab.json'))).buffer;
    const events: TrainEvent[] = [];
    await expect(
      engine.handlers.start({ model, options: OPTIONS, strategies: ['uniform'], seeds: [0] }, ctx(events)),
    ).rejects.toThrow(/qwen3\/char_vocab.json: RL needs a vocabulary with an end token/);
    expect(events).toEqual([]);
  });
});
