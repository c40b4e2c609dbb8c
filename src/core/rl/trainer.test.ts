import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveRlOptions, type RlOptions } from './options';
import { InputError } from '../errors';
import { PauseGate, RlRun } from './run';
import { RlTrainer } from './trainer';
import { tinyPolicy } from './testing/tinyPolicy';

beforeAll(async () => {
  await tf.setBackend('wasm');
});

const opts = (over: Partial<RlOptions> = {}): RlOptions =>
  resolveRlOptions({
    task: 'addition',
    level: 1,
    prompts: 2,
    group: 4,
    maxTokens: 24,
    steps: 5,
    evalProblems: 4,
    evalEvery: 5,
    lr: 1e-3,
    formatCredit: 0.5,
    ...over,
  });

/** A reward with spread on a random model: the share of '1' characters (so groups have non-zero advantages). */
const ones = {
  reward: (_p: string, c: string) => (c.length ? [...c].filter((ch) => ch === '1').length / c.length : 0),
};

const weightsOf = (t: RlTrainer) => t.weights().map((w) => Array.from(w.data));

describe('RlTrainer', () => {
  it('two 5-step runs with one seed are identical (log lines except timings, and weights)', async () => {
    const results = [];
    for (let k = 0; k < 2; k++) {
      const run = new RlRun(tinyPolicy(7), opts({ strategy: 'coupled', seed: 11 }), ones);
      const summary = await run.run();
      results.push({
        lines: summary.lines.map(({ time_ms: _t, ...rest }) => rest),
        w: weightsOf(run.trainer),
        acc: summary.finalAccuracy,
      });
      run.dispose();
    }
    expect(results[0].lines).toHaveLength(5);
    expect(results[1]).toEqual(results[0]);
    expect(results[0].lines[4].heldout_accuracy).toBeTypeOf('number');
  }, 60_000);

  it('a different seed gives a different run', async () => {
    const a = new RlTrainer(tinyPolicy(7), opts({ seed: 1 }), ones);
    const b = new RlTrainer(tinyPolicy(7), opts({ seed: 2 }), ones);
    const la = await a.trainStep();
    const lb = await b.trainStep();
    expect(weightsOf(a)).not.toEqual(weightsOf(b));
    expect(la!.mean_reward).not.toBe(lb!.mean_reward);
    expect(la!.step).toBe(1);
    expect(lb!.step).toBe(1);
    a.dispose();
    b.dispose();
  }, 30_000);

  it('the PPO ratio is exactly 1 on the first micro-step, while the weights do move', async () => {
    const t = new RlTrainer(tinyPolicy(7), opts({ microBatches: 2, epochs: 2, strategy: 'global_anchor' }), ones);
    for (let i = 0; i < 3; i++) {
      const w0 = weightsOf(t);
      const line = (await t.trainStep())!;
      expect(line.first_ratio_dev).toBe(0);
      expect(line.nan_abort).toBe(false);
      expect(line.grad_norm).toBeGreaterThan(0);
      expect(line.entropy).toBeGreaterThan(0.1);
      expect(weightsOf(t)).not.toEqual(w0);
    }
    t.dispose();
  }, 30_000);

  it("oldLogProbs 'rollout': the sampler's log-probs and entropies agree with the recomputed ones (ratio 1 within 1e-4)", async () => {
    const a = new RlTrainer(tinyPolicy(7), opts({ seed: 3 }), ones);
    const b = new RlTrainer(tinyPolicy(7), opts({ seed: 3, oldLogProbs: 'rollout' }), ones);
    const la = (await a.trainStep())!;
    const lb = (await b.trainStep())!;
    expect(lb.mean_reward).toBe(la.mean_reward); // same rollouts
    expect(lb.first_ratio_dev).toBeLessThan(1e-4);
    expect(lb.entropy).toBe(la.entropy); // both from the sampler
    expect(lb.loss).toBeCloseTo(la.loss, 4);
    a.dispose();
    b.dispose();
  }, 30_000);

  it('rows with zero advantage leave the update; a step without signal makes no update', async () => {
    const t = new RlTrainer(tinyPolicy(7), opts({ seed: 5 })); // the verifier's reward: a random model never scores
    const w0 = weightsOf(t);
    const l = (await t.trainStep())!;
    expect(l.zero_adv_groups).toBe(2);
    expect(l.updated_rows).toBe(0);
    expect(t.adam.step).toBe(0);
    expect(weightsOf(t)).toEqual(w0);
    const k = new RlTrainer(tinyPolicy(7), opts({ seed: 5, zeroAdvantageRows: 'keep' }));
    expect((await k.trainStep())!.updated_rows).toBe(8);
    expect(k.adam.step).toBe(2); // two micro-batches
    const m = new RlTrainer(tinyPolicy(7), opts({ seed: 5 }), ones);
    const lm = (await m.trainStep())!;
    expect(lm.updated_rows).toBe(8 - 4 * lm.zero_adv_groups);
    [t, k, m].forEach((x) => x.dispose());
  }, 30_000);

  it('NaN guard: a NaN loss aborts that step, keeps the step-start weights and optimizer, and the run goes on', async () => {
    const t = new RlTrainer(tinyPolicy(7), opts({ microBatches: 2 }), {
      ...ones,
      corruptLoss: (step, micro) => step === 1 && micro === 1,
    });
    await t.trainStep();
    const before = weightsOf(t);
    const adamStep = t.adam.step;
    const bad = (await t.trainStep())!;
    expect(bad.nan_abort).toBe(true);
    expect(bad.error).toMatch(/non-finite loss at micro-step 1/);
    expect(weightsOf(t)).toEqual(before);
    expect(t.adam.step).toBe(adamStep);
    const next = (await t.trainStep())!;
    expect(next.nan_abort).toBe(false);
    expect(weightsOf(t).every((w) => w.every(Number.isFinite))).toBe(true);
    t.dispose();
  }, 30_000);

  it('uniform skips the attention pass; attentionPass "always" analyzes every row; no tensors leak', async () => {
    const t = new RlTrainer(tinyPolicy(7), opts({ strategy: 'uniform' }), ones);
    const l1 = (await t.trainStep())!; // the first step creates Adam's moments
    expect(l1.analyzed_rows).toBe(0);
    expect(l1.amplified_share).toBe(0);
    expect(l1.zero_adv_groups).toBeLessThan(2);
    const before = tf.memory().numTensors;
    await t.trainStep();
    await t.trainStep();
    expect(tf.memory().numTensors).toBe(before);
    t.dispose();
    const u = new RlTrainer(tinyPolicy(7), opts({ strategy: 'local_chunk', attentionPass: 'always' }), ones);
    const l2 = (await u.trainStep())!;
    expect(l2.analyzed_rows).toBe(8);
    expect(l2.amplified_share).toBeGreaterThan(0.3); // ⌈0.4·|R|⌉ preplan tokens per row
    const n = tf.memory().numTensors;
    await u.trainStep();
    await u.trainStep();
    expect(tf.memory().numTensors).toBe(n);
    u.dispose();
  }, 30_000);

  it('tempo, entropy_minority and hicra on strategic grams train without the attention pass; no tensors leak', async () => {
    for (const over of [
      { strategy: 'tempo' },
      { strategy: 'entropy_minority' },
      { strategy: 'hicra', planningSet: 'grams' },
    ] as Partial<RlOptions>[]) {
      const t = new RlTrainer(tinyPolicy(7), opts(over), ones);
      const l1 = (await t.trainStep())!;
      expect(l1.analyzed_rows).toBe(0);
      expect(Number.isFinite(l1.loss)).toBe(true);
      if (over.strategy === 'entropy_minority') expect(l1.amplified_share).toBeGreaterThanOrEqual(0.2);
      const before = tf.memory().numTensors;
      await t.trainStep();
      expect(tf.memory().numTensors).toBe(before);
      t.dispose();
    }
  }, 30_000);

  it('capo and pure: step-verified credit keeps rows of all-equal reward, trains without the attention pass, repeats per seed', async () => {
    const zero = { reward: () => 0 };
    for (const strategy of ['capo', 'pure'] as const) {
      const lines = [];
      for (let k = 0; k < 2; k++) {
        const t = new RlTrainer(tinyPolicy(7), opts({ strategy, task: 'countdown', seed: 4 }), zero);
        const l1 = (await t.trainStep())!;
        expect(l1.analyzed_rows).toBe(0);
        expect(l1.zero_adv_groups).toBe(2); // every reward 0: GRPO alone would update nothing
        expect(l1.updated_rows).toBeGreaterThan(0); // the step checker's verdicts still separate tokens
        expect(l1.amplified_share).toBeGreaterThan(0); // tokens of wrong steps
        expect(Number.isFinite(l1.loss)).toBe(true);
        const before = tf.memory().numTensors;
        const l2 = (await t.trainStep())!;
        expect(tf.memory().numTensors).toBe(before);
        lines.push([l1, l2].map(({ time_ms: _t, ...rest }) => rest));
        t.dispose();
      }
      expect(lines[1]).toEqual(lines[0]);
    }
  }, 60_000);

  it('abort and pause: an aborted signal stops before any step; pause holds the loop until resume', async () => {
    const run = new RlRun(tinyPolicy(7), opts({ evalProblems: 0 }));
    const ac = new AbortController();
    ac.abort();
    const s = await run.run({ signal: ac.signal });
    expect(s.steps).toBe(0);
    expect(s.aborted).toBe(true);
    run.pause();
    let done = false;
    const p = run.run({ onLine: () => undefined }).then((r) => ((done = true), r));
    await new Promise((r) => setTimeout(r, 50));
    expect(done).toBe(false);
    expect(run.trainer.step).toBe(0);
    run.resume();
    const r = await p;
    expect(r.steps).toBe(5);
    run.dispose();
  }, 30_000);

  it('PauseGate.held waits for the loop to reach the gate (the step in flight), or for the end of the run', async () => {
    const tick = () => new Promise((r) => setTimeout(r, 0));
    const g = new PauseGate();
    g.begin();
    let held = false;
    g.pause(); // asked while a step runs: the loop is not at the gate yet
    void g.held().then(() => (held = true));
    await tick();
    expect(held).toBe(false);
    let released = false;
    const waiting = g.gate().then(() => (released = true)); // the step ends: the loop reaches the gate
    await tick();
    expect([held, released]).toEqual([true, false]);
    g.resume();
    await waiting;
    // Paused again mid-step, then the run ends instead of reaching the gate: held resolves too.
    g.pause();
    let heldAtEnd = false;
    void g.held().then(() => (heldAtEnd = true));
    await tick();
    expect(heldAtEnd).toBe(false);
    g.end();
    await tick();
    expect(heldAtEnd).toBe(true);
  });

  it('paused() resolves only once the step in flight has finished, and at the end of a run', async () => {
    const run = new RlRun(tinyPolicy(7), opts({ evalProblems: 0, steps: 3 }));
    let stepsSeen = 0;
    let held = false;
    const p = run.run({
      onLine: () => {
        stepsSeen++;
        if (stepsSeen === 1) {
          run.pause(); // asked from inside step 1's report: step 2 must not start
          void run.paused().then(() => (held = true));
        }
      },
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(held).toBe(true);
    expect(run.trainer.step).toBe(1);
    run.resume();
    await p;
    expect(run.trainer.step).toBe(3);
    // After the run: nothing more will run, so a pause holds at once.
    run.pause();
    await run.paused();
    run.dispose();
  }, 30_000);

  it('resume: 2 steps, checkpoint (weights + Adam state + step), new trainer, 2 more == 4 steps uninterrupted', async () => {
    const o = opts({ strategy: 'coupled', seed: 4, steps: 4, evalEvery: 2, microBatches: 2 });
    const strip = (lines: { time_ms: unknown }[]) => lines.map(({ time_ms: _t, ...rest }) => rest);
    const whole = new RlRun(tinyPolicy(7), o, ones);
    const all = await whole.run();
    const wholeWeights = weightsOf(whole.trainer);
    whole.dispose();

    const tensors = tf.memory().numTensors;
    const first = new RlRun(tinyPolicy(7), o, ones);
    const stop = new AbortController();
    const head = await first.run({ signal: stop.signal, onLine: (l) => l.step === 2 && stop.abort() });
    expect(head.steps).toBe(2);
    const ck = first.trainer.checkpoint();
    expect(ck.step).toBe(2);
    expect(ck.adamStep).toBeGreaterThan(2); // two micro-batches per step: Adam's count is not the RL step
    expect(ck.optimizer.length).toBe(2 * ck.weights.length);
    first.dispose();

    const init = { ...tinyPolicy(7), weights: ck.weights };
    const rest = new RlRun(init, o, ones, {
      step: ck.step,
      adamStep: ck.adamStep,
      optimizer: ck.optimizer,
      initialAccuracy: head.initialAccuracy,
      lastAccuracy: head.finalAccuracy,
    });
    const tail = await rest.run();
    expect(tail.lines.map((l) => l.step)).toEqual([3, 4]);
    expect(tail.steps).toBe(4);
    expect(tail.aborted).toBe(false);
    expect(tail.initialAccuracy).toBe(all.initialAccuracy);
    expect(tail.finalAccuracy).toBe(all.finalAccuracy);
    expect(strip([...head.lines, ...tail.lines])).toEqual(strip(all.lines));
    expect(all.lines.some((l) => l.updated_rows > 0)).toBe(true); // the weights did move, so the test can fail
    expect(weightsOf(rest.trainer)).toEqual(wholeWeights);
    rest.dispose();
    expect(tf.memory().numTensors).toBe(tensors);
  }, 60_000);

  it('resume refuses a step beyond the run, optimizer tensors of another shape, and KL without its reference', () => {
    const init = tinyPolicy(7);
    const t = new RlTrainer(init, opts(), ones);
    const m = t.checkpoint();
    t.dispose();
    const base = { step: 1, adamStep: 2, optimizer: m.optimizer };
    expect(() => new RlTrainer(init, opts(), ones, { ...base, step: 6 })).toThrow(
      /field "step": must be a whole number from 0 to steps \(5\)/,
    );
    const bad = [{ name: 'm.wte.weight', shape: [3, 4], data: new Float32Array(12) }];
    expect(() => new RlTrainer(init, opts(), ones, { ...base, optimizer: bad })).toThrow(InputError);
    expect(() => new RlTrainer(init, opts(), ones, { ...base, optimizer: bad })).toThrow(
      /optimizer\.safetensors, field "m\.wte\.weight"/,
    );
    expect(() => new RlTrainer(init, opts({ klCoef: 0.1 }), ones, base)).toThrow(/KL reference/);
  });
});
