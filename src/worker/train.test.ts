import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '../core/train/gradients';
import { initNodeBackend } from '../core/backend/node';
import { InputError } from '../core/errors';
import { filesFromMap } from '../core/io/files';
import { parseSafetensors } from '../core/io/safetensors';
import { resolveRlOptions } from '../core/rl/options';
import { RlRun } from '../core/rl/run';
import { tinyPolicy } from '../core/rl/testing/tinyPolicy';
import type { RunLogLine } from '../core/rl/runlog';
import type { CharTokenizer } from '../core/tokenizer/char';
import { checkpointFiles, loadCheckpoint } from '../core/train/checkpoint';
import type { CallContext } from './host';
import { transferablesOf } from './protocol';
import { createTrainEngine, planRuns } from './train';
import type { SharedRlOptions, TrainEvent, TrainModel, TrainOperations } from './train-protocol';

const TINY_OPTIONS: SharedRlOptions = {
  task: 'addition',
  level: 1,
  steps: 3,
  prompts: 2,
  group: 2,
  maxTokens: 8,
  evalProblems: 2,
  evalEvery: 1,
  lr: 1e-2,
};

function tinyModel(): TrainModel {
  const init = tinyPolicy(3);
  const files = checkpointFiles(init.config, init.weights, init.tokenizer as CharTokenizer);
  const out: Record<string, ArrayBuffer> = {};
  for (const [k, v] of Object.entries(files)) out[k] = v.slice().buffer;
  return { name: 'tiny', files: out };
}

function ctx<K extends keyof TrainOperations>(
  events: TrainEvent[] = [],
  signal = new AbortController().signal,
): CallContext<K, TrainOperations> {
  return { signal, progress: () => {}, emit: (e) => events.push(e as TrainEvent) };
}

const lines = (events: TrainEvent[]): RunLogLine[] => events.flatMap((e) => (e.kind === 'line' ? [e.line] : []));
const until = async (cond: () => boolean, ms = 30_000) => {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('planRuns', () => {
  it('is strategy-major, removes duplicates and accepts kebab case', () => {
    const p = planRuns({ options: TINY_OPTIONS, strategies: ['uniform', 'local-chunk', 'uniform'], seeds: [0, 1, 0] });
    expect(p.runs.map((r) => r.key)).toEqual(['uniform-s0', 'uniform-s1', 'local_chunk-s0', 'local_chunk-s1']);
    expect(p.runs.map((r) => r.index)).toEqual([0, 1, 2, 3]);
    expect(p.options[3]).toMatchObject({ strategy: 'local_chunk', seed: 1, steps: 3 });
  });

  it.each([
    [{ steps: 0 }, 'steps'],
    [{ group: 1 }, 'group'],
    [{ lr: 0 }, 'lr'],
    [{ lr: NaN }, 'lr'],
    [{ task: 'chess' }, 'task'],
  ])('bad option %j is an InputError naming %s', (over, field) => {
    const call = () =>
      planRuns({ options: { ...TINY_OPTIONS, ...over } as SharedRlOptions, strategies: ['uniform'], seeds: [0] });
    expect(call).toThrow(InputError);
    try {
      call();
    } catch (e) {
      expect((e as InputError).where.field).toBe(field);
    }
  });

  it('rejects an unknown strategy and empty lists', () => {
    expect(() => planRuns({ options: TINY_OPTIONS, strategies: ['magic'], seeds: [0] })).toThrow(
      /unknown strategy "magic"/,
    );
    expect(() => planRuns({ options: TINY_OPTIONS, strategies: [], seeds: [0] })).toThrow(/at least one strategy/);
    expect(() => planRuns({ options: TINY_OPTIONS, strategies: ['uniform'], seeds: [] })).toThrow(/at least one seed/);
  });
});

/**
 * Tensors that `new RlRun(...).dispose()` alone leaves behind (src/core/train's GPT2Train constructor does not free
 * the tensor it makes each variable from; reported to the lead). The handlers must add nothing on top of it.
 */
function coreLeakPerRun(): number {
  const init = tinyPolicy(3);
  const before = tf.memory().numTensors;
  new RlRun(init, resolveRlOptions({ ...TINY_OPTIONS, strategy: 'uniform', seed: 0 })).dispose();
  return tf.memory().numTensors - before;
}

describe('train engine (tiny model, Node wasm)', () => {
  const engine = createTrainEngine({ initBackend: (b) => initNodeBackend(b) });
  let leak = 0;
  let simdAttention: boolean | undefined;
  beforeAll(async () => {
    simdAttention = (await engine.handlers.init({ backend: 'auto' }, ctx())).simdAttention;
    leak = coreLeakPerRun();
  });

  it('reports the SIMD attention kernel on wasm', () => {
    expect(tf.getBackend()).toBe('wasm');
    expect(simdAttention).toBe(true);
  });

  it('refuses to export before any run', async () => {
    await expect(engine.handlers.exportRun({}, ctx())).rejects.toThrow(/start training first/);
  });

  it('runs a comparison, streams lines and checkpoints, exports a loadable model; no tensors leak', async () => {
    const before = tf.memory().numTensors;
    const events: TrainEvent[] = [];
    const res = await engine.handlers.start(
      { model: tinyModel(), options: TINY_OPTIONS, strategies: ['uniform', 'coupled'], seeds: [0], checkpointEvery: 2 },
      ctx(events),
    );
    expect(res.cancelled).toBe(false);
    expect(res.runs.map((r) => [r.run.key, r.steps, r.aborted])).toEqual([
      ['uniform-s0', 3, false],
      ['coupled-s0', 3, false],
    ]);
    expect(events[0]).toMatchObject({ kind: 'plan', steps: 3 });
    expect(lines(events).map((l) => `${l.strategy}:${l.step}`)).toEqual([
      'uniform:1',
      'uniform:2',
      'uniform:3',
      'coupled:1',
      'coupled:2',
      'coupled:3',
    ]);
    // Evaluated every step (evalEvery 1).
    expect(lines(events).every((l) => typeof l.heldout_accuracy === 'number')).toBe(true);
    const cps = events.flatMap((e) => (e.kind === 'checkpoint' ? [`${e.run.key}@${e.step}${e.final ? '!' : ''}`] : []));
    expect(cps).toEqual(['uniform-s0@2', 'uniform-s0@3!', 'coupled-s0@2', 'coupled-s0@3!']);
    // The starting model's accuracy comes before each run's first line (the chart's step-0 point, the checkpoints').
    const kinds = events
      .filter((e) => e.kind !== 'checkpoint')
      .map((e) => e.kind + (e.kind === 'line' ? e.line.step : ''));
    expect(kinds.slice(0, 4)).toEqual(['plan', 'run-start', 'run-evaluated', 'line1']);
    const ev = events.find((e) => e.kind === 'run-evaluated');
    expect(ev && ev.kind === 'run-evaluated' && typeof ev.initialAccuracy).toBe('number');
    expect(tf.memory().numTensors).toBe(before + 2 * leak);

    const out = await engine.handlers.exportRun({ run: 0 }, ctx());
    expect(out).toMatchObject({ step: 3, run: { key: 'uniform-s0' } });
    const ck = await loadCheckpoint(filesFromMap('exported', out.files));
    expect(ck.config.n_layer).toBe(2);
    // The export is the run's final checkpoint, byte for byte.
    const final = events.find((e) => e.kind === 'checkpoint' && e.final && e.run.index === 0);
    expect(
      final &&
        final.kind === 'checkpoint' &&
        Buffer.from(final.files['model.safetensors']).equals(Buffer.from(out.files['model.safetensors'])),
    ).toBe(true);
    // The weights moved exactly when some step updated (a random tiny model often earns all-equal rewards).
    const start = parseSafetensors(new Uint8Array(tinyModel().files['model.safetensors']), 'start').getFloat32(
      'wte.weight',
    );
    const tuned = ck.weights.find((w) => w.name === 'wte.weight')!.data;
    expect(tuned.length).toBe(start.length);
    const updated = lines(events).some((l) => l.strategy === 'uniform' && l.updated_rows > 0);
    expect(tuned.some((x, i) => Math.abs(x - start[i]) > 1e-6)).toBe(updated);
    // The default export is the latest run.
    expect((await engine.handlers.exportRun({}, ctx())).run.key).toBe('coupled-s0');
    // The host transfers a result's buffers; the worker's own copy of the run must survive that.
    structuredClone(out, { transfer: transferablesOf(out) });
    expect(out.files['model.safetensors'].byteLength).toBe(0);
    expect((await engine.handlers.exportRun({ run: 0 }, ctx())).files['model.safetensors'].byteLength).toBeGreaterThan(
      0,
    );
  });

  it('before/after: WAAD and FAI of both models on the same response, no leaks', async () => {
    const before = tf.memory().numTensors;
    const ba = await engine.handlers.beforeAfter({ run: 0 }, ctx());
    expect(ba.prompt).toMatch(/\+/);
    expect(ba.tokens.length).toBeGreaterThan(0);
    for (const s of [ba.before, ba.after]) {
      expect(s.waad.length).toBe(ba.tokens.length);
      expect(s.fai.length).toBe(ba.tokens.length);
      expect(s.waad.every(Number.isFinite)).toBe(true);
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('pause holds the step count, resume finishes', async () => {
    const events: TrainEvent[] = [];
    const done = engine.handlers.start(
      { model: tinyModel(), options: { ...TINY_OPTIONS, steps: 4 }, strategies: ['uniform'], seeds: [1] },
      ctx(events),
    );
    await until(() => lines(events).length >= 1);
    await engine.handlers.pause({}, ctx());
    // pause answers once the step in flight has finished: from then on the count holds exactly.
    const afterWait = lines(events).length;
    await new Promise((r) => setTimeout(r, 600));
    expect(lines(events).length).toBe(afterWait);
    expect(afterWait).toBeLessThan(4);
    // Export works while paused (it runs beside the queue in the worker).
    expect((await engine.handlers.exportRun({}, ctx())).step).toBe(afterWait);
    await engine.handlers.resume({}, ctx());
    const res = await done;
    expect(res.runs[0].steps).toBe(4);
    expect(lines(events).length).toBe(4);
  });

  it('cancel stops the comparison; tensors unchanged after a cancelled run', async () => {
    const before = tf.memory().numTensors;
    for (let k = 0; k < 2; k++) {
      const events: TrainEvent[] = [];
      const ac = new AbortController();
      const done = engine.handlers.start(
        { model: tinyModel(), options: { ...TINY_OPTIONS, steps: 50 }, strategies: ['coupled', 'uniform'], seeds: [0] },
        ctx(events, ac.signal),
      );
      await until(() => lines(events).length >= 1);
      ac.abort();
      const res = await done;
      expect(res.cancelled).toBe(true);
      expect(res.runs).toHaveLength(1);
      expect(res.runs[0].aborted).toBe(true);
      expect(res.runs[0].steps).toBeLessThan(50);
      expect(engine.busy()).toBe(false);
    }
    // Two cancelled comparisons of one started run each.
    expect(tf.memory().numTensors).toBe(before + 2 * leak);
  });

  it('resume: a step-2 checkpoint (with optimizer.safetensors) continued to step 4 equals the uninterrupted run', async () => {
    const options = { ...TINY_OPTIONS, steps: 4, evalEvery: 2 };
    // A reward with spread on the random tiny model (the share of '1's), so the steps do update.
    const engine = createTrainEngine({
      initBackend: (b) => initNodeBackend(b),
      testHooks: { reward: (_p, c) => (c.length ? [...c].filter((x) => x === '1').length / c.length : 0) },
    });
    await engine.handlers.init({ backend: 'auto' }, ctx());
    const whole: TrainEvent[] = [];
    const t0 = Date.now();
    await engine.handlers.start(
      { model: tinyModel(), options, strategies: ['coupled'], seeds: [2], checkpointEvery: 2, stepDelayMs: 60 },
      ctx(whole),
    );
    expect(Date.now() - t0).toBeGreaterThanOrEqual(4 * 60); // the tests' step delay
    expect(
      lines(whole)
        .slice(2)
        .some((l) => l.updated_rows > 0),
    ).toBe(true); // resumed steps do move the weights
    const cks = whole.flatMap((e) => (e.kind === 'checkpoint' ? [e] : []));
    expect(cks.map((c) => [c.step, c.final, c.adamStep !== undefined, 'optimizer.safetensors' in c.files])).toEqual([
      [2, false, true, true],
      [4, true, false, false],
    ]);
    const mid = cks[0];
    const plan = whole[0].kind === 'plan' ? whole[0] : null;
    const initialAccuracy = whole.flatMap((e) => (e.kind === 'run-end' ? [e.outcome.initialAccuracy] : []))[0];
    const files: Record<string, ArrayBuffer> = {};
    for (const [k, v] of Object.entries(mid.files)) files[k] = v.slice().buffer;
    const resumeParams = {
      run: { ...mid.run, index: 3 },
      options: plan!.options[0],
      step: 2,
      adamStep: mid.adamStep!,
      initialAccuracy,
    };

    const before = tf.memory().numTensors;
    const rest: TrainEvent[] = [];
    const res = await engine.handlers.start(
      {
        model: { name: 'ck', files },
        options: TINY_OPTIONS,
        strategies: [],
        seeds: [],
        checkpointEvery: 2,
        resume: resumeParams,
      },
      ctx(rest),
    );
    expect(tf.memory().numTensors).toBe(before + leak);
    expect(res.runs).toEqual([
      { run: resumeParams.run, steps: 4, aborted: false, initialAccuracy, finalAccuracy: expect.any(Number) },
    ]);
    const strip = (ls: RunLogLine[]) => ls.map(({ time_ms: _t, ...r }) => r);
    expect(strip(lines(rest))).toEqual(strip(lines(whole).slice(2)));
    expect(rest.find((e) => e.kind === 'run-evaluated')).toMatchObject({ initialAccuracy });
    const final = rest.find((e) => e.kind === 'checkpoint' && e.final);
    expect(final && final.kind === 'checkpoint' && final.run.index).toBe(3);
    expect(
      final &&
        final.kind === 'checkpoint' &&
        Buffer.from(final.files['model.safetensors']).equals(Buffer.from(cks[1].files['model.safetensors'])),
    ).toBe(true);
    // The export is the model folder only; before/after needs the comparison's starting model.
    expect(Object.keys((await engine.handlers.exportRun({}, ctx())).files).sort()).toEqual([
      'char_vocab.json',
      'config.json',
      'model.safetensors',
    ]);
    await expect(engine.handlers.beforeAfter({}, ctx())).rejects.toThrow(/resumed run has no starting model/);

    // Bad resumes: nothing runs.
    const noOpt = { ...files };
    delete noOpt['optimizer.safetensors'];
    const none: TrainEvent[] = [];
    await expect(
      engine.handlers.start(
        { model: { name: 'ck', files: noOpt }, options: TINY_OPTIONS, strategies: [], seeds: [], resume: resumeParams },
        ctx(none),
      ),
    ).rejects.toThrow(/ck\/optimizer\.safetensors: missing file/);
    await expect(
      engine.handlers.start(
        {
          model: { name: 'ck', files },
          options: TINY_OPTIONS,
          strategies: [],
          seeds: [],
          resume: { ...resumeParams, step: 4 },
        },
        ctx(none),
      ),
    ).rejects.toThrow(/field "step"/);
    expect(none).toEqual([]);
  });

  it('a model without a vocabulary is an InputError naming the file; nothing starts', async () => {
    const m = tinyModel();
    delete m.files['char_vocab.json'];
    const events: TrainEvent[] = [];
    await expect(
      engine.handlers.start({ model: m, options: TINY_OPTIONS, strategies: ['uniform'], seeds: [0] }, ctx(events)),
    ).rejects.toThrow(/tiny: no tokenizer found: looked for tokenizer.json and char_vocab.json/);
    expect(events).toEqual([]);
  });
});
