import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeAttentionDump } from '../core/io/dump';
import { loadModel, type LoadedModel } from '../core/model/load';
import { tinyGpt2Files } from '../core/model/testing/tinyGpt2';
import { sequentialContinuer } from '../core/studies/continue';
import { perturbSequence, perturbSummary } from '../core/studies/perturb-run';
import type { CorpusEvent, PerturbStudyEvent } from './corpus-protocol';
import { createCorpusHandlers } from './corpus';

let loaded: LoadedModel;
beforeAll(async () => {
  await tf.setBackend('cpu');
  loaded = await loadModel(tinyGpt2Files({ nLayer: 3, nHead: 2, nEmbd: 16, nPositions: 64, seed: 3 }));
});

function ctx(onEvent: (e: CorpusEvent, n: number) => void = () => {}) {
  const controller = new AbortController();
  let n = 0;
  const progress: string[] = [];
  return {
    controller,
    progress,
    ctx: {
      signal: controller.signal,
      progress: (_f: number, m: string) => progress.push(m),
      emit: (e: CorpusEvent) => onEvent(e, ++n),
    },
  };
}

describe('corpus handlers', () => {
  const options = { H_lo: 2, H_hi: 8 };

  it('task corpus: generates, analyses, streams a summary per sequence; no tensor leak', async () => {
    const handlers = createCorpusHandlers(() => loaded);
    const events: CorpusEvent[] = [];
    const c = ctx((e) => events.push(e));
    const out = await handlers.corpusRun(
      { source: { kind: 'task', task: 'addition', level: 1, n: 3, seed: 2, maxTokens: 12, temperature: 0 }, options },
      c.ctx as never,
    );
    expect(out.cancelled).toBe(false);
    expect(out.list).toHaveLength(3);
    expect(events.map((e) => e.summary.sequences)).toEqual([1, 2, 3]);
    expect(c.progress.at(-1)).toBe('sequence 3 of 3');
    expect(out.study.sequences).toBe(3);
    expect(out.study.per_sequence).toHaveLength(3);
    expect(out.list[0].label).toMatch(/^\d+\+\d+=\?$/);
    expect(out.list[0].responseIds.length).toBeGreaterThan(0);
    expect(out.summary.heads.numLayers).toBe(3);
    expect(out.summary.distributions.entropy).not.toBeNull();
    // the same corpus again: deterministic, and no tensor is left behind (measured after a first run, which
    // may create the model's lazily built constants)
    const before = tf.memory().numTensors;
    const again = await handlers.corpusRun(
      { source: { kind: 'task', task: 'addition', level: 1, n: 3, seed: 2, maxTokens: 12, temperature: 0 }, options },
      ctx().ctx as never,
    );
    expect(tf.memory().numTensors).toBe(before);
    expect(again.study).toEqual(out.study);
  });

  it('Cancel after the first sequence keeps what was done', async () => {
    const handlers = createCorpusHandlers(() => loaded);
    const c = ctx((_e, n) => n === 1 && c.controller.abort());
    const out = await handlers.corpusRun(
      { source: { kind: 'task', task: 'countdown', level: 1, n: 10, seed: 1, maxTokens: 10, temperature: 0 }, options },
      c.ctx as never,
    );
    expect(out.cancelled).toBe(true);
    expect(out.list).toHaveLength(1);
    expect(out.study.sequences).toBe(1);
  });

  it('JSONL and dump corpora; a bad line names the file and line', async () => {
    const handlers = createCorpusHandlers(() => loaded);
    const text = [
      '{"prompt": "1+2=?\\n", "response": "3 and more"}',
      '{"prompt_ids": [3, 4, 5], "response_ids": [6, 7, 8, 9, 10, 11]}',
    ].join('\n');
    const out = await handlers.corpusRun(
      { source: { kind: 'jsonl', name: 'c.jsonl', text }, options },
      ctx().ctx as never,
    );
    expect(out.list.map((s) => s.R)).toEqual([10, 6]);
    await expect(
      handlers.corpusRun(
        { source: { kind: 'jsonl', name: 'c.jsonl', text: `${text}\n{"prompt": 1}` }, options },
        ctx().ctx as never,
      ),
    ).rejects.toThrow(/c\.jsonl.*3/);
    const N = 6;
    const layer = Float32Array.from({ length: 2 * N * N }, (_, i) => {
      const t = Math.floor(i / N) % N;
      const s = i % N;
      return s <= t ? 1 / (t + 1) : 0;
    });
    const bytes = writeAttentionDump({
      numHeads: 2,
      seqLen: N,
      layers: new Map([0, 1, 2].map((l) => [l, layer])),
      layerIndices: [0, 1, 2],
      numLayers: 3,
      tokens: ['a', 'b', 'c', 'd', 'e', 'f'],
      promptLength: 2,
    });
    const dumps = await handlers.corpusRun(
      {
        source: { kind: 'dumps', files: [{ name: 'd.safetensors', bytes: bytes.slice().buffer }] },
        options: { H_lo: 1 },
      },
      ctx().ctx as never,
    );
    expect(dumps.list).toHaveLength(1);
    expect(dumps.study.rows.entropy_at_waad_peaks.observed).toBeNull();
  });

  it('perturbRun: one sequence with token texts for display', async () => {
    const handlers = createCorpusHandlers(() => loaded);
    const ids = [5, 9, 13, 4, 19, 20, 1, 7, 7, 30, 41, 12, 3, 3, 8, 22, 17, 9, 11, 2];
    const before = tf.memory().numTensors;
    const out = await handlers.perturbRun(
      { ids, promptLength: 4, index: 0, options: { H_lo: 2 }, perturb: { k: 2, m: 1, min_tail: 3 } },
      ctx().ctx as never,
    );
    expect(tf.memory().numTensors).toBe(before);
    expect(out.top).toHaveLength(1);
    expect(out.top[0].candidates).toHaveLength(2);
    const texts = new Map(out.token_texts);
    for (const id of out.top[0].candidates[0].continuation_ids) expect(texts.has(id)).toBe(true);
  });

  it('perturbStudyRun: the totals of the CLI perturbSummary over one-by-one perturbSequence; Cancel keeps what was done', async () => {
    const handlers = createCorpusHandlers(() => loaded);
    const corpus = await handlers.corpusRun(
      { source: { kind: 'task', task: 'addition', level: 1, n: 3, seed: 4, maxTokens: 16, temperature: 0 }, options },
      ctx().ctx as never,
    );
    const sequences = corpus.list.map((s) => ({
      ids: [...s.promptIds, ...s.responseIds],
      promptLength: s.promptIds.length,
    }));
    const perturb = { k: 2, m: 2, min_tail: 3, seed: 7 };
    const events: PerturbStudyEvent[] = [];
    const c = ctx();
    const run = () =>
      handlers.perturbStudyRun({ sequences, options, perturb }, {
        ...c.ctx,
        emit: (e: PerturbStudyEvent) => events.push(e),
      } as never);
    await run(); // first run builds the model's lazy constants
    events.length = 0;
    const before = tf.memory().numTensors;
    const out = await run();
    expect(tf.memory().numTensors).toBe(before);
    expect(out.cancelled).toBe(false);
    // Reference: the CLI's pooling over each response perturbed on its own, through the sequential engine.
    const cont = sequentialContinuer(loaded.model, loaded.tokenizer.eosId);
    const ref = [];
    for (const [i, s] of sequences.entries())
      ref.push(await perturbSequence(loaded.model, cont, loaded.tokenizer, s, i, options, perturb));
    const expected = perturbSummary(ref, options, perturb);
    expect(out.study).toEqual(expected);
    expect(out.study.sequences).toBe(3);
    expect(expected.compared).toBeGreaterThan(0); // the responses are long enough to have every set
    expect(events.map((e) => e.totals.sequences)).toEqual([1, 2, 3]);
    const { per_sequence: _, ...totals } = expected;
    expect(events.at(-1)!.totals).toEqual(totals);
    expect(c.progress.at(-1)).toBe('response 3 of 3');

    // Cancel after the first response: that one is kept, with its totals.
    const controller = new AbortController();
    const cancelled = await handlers.perturbStudyRun({ sequences, options, perturb }, {
      signal: controller.signal,
      progress: () => {},
      emit: () => controller.abort(),
    } as never);
    expect(cancelled.cancelled).toBe(true);
    expect(cancelled.study).toEqual(perturbSummary(ref.slice(0, 1), options, perturb));
  });
});
