import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSafetensors, writeSafetensors } from '../io/safetensors';
import { parseGPT2Config } from './config';
import { generate } from './generate';
import { Decoder } from './decoder';
import { charVocabTokens, makeTinyGpt2 } from './testing/tinyGpt2';

let model: Decoder;
const PROMPT = [12, 40, 41, 7, 2, 55];
const vocab = charVocabTokens();
const decode = (ids: number[]) => ids.map((i) => vocab[i]).join('');

beforeAll(async () => {
  await tf.setBackend('wasm');
  const { configJson, tensors } = makeTinyGpt2({ nLayer: 2, nHead: 4, nEmbd: 32, nPositions: 48, seed: 5 });
  model = Decoder.fromSource(parseGPT2Config(configJson), parseSafetensors(writeSafetensors(tensors), 'm.safetensors'));
});
afterAll(() => model.dispose());

describe('generate', () => {
  it('KV-cache greedy equals full-recompute greedy, and leaves no tensors behind', async () => {
    model.forward(PROMPT).dispose(); // builds the causal mask the model keeps
    const before = tf.memory().numTensors;
    const cached = await generate(model, PROMPT, { maxTokens: 30 });
    const full = await generate(model, PROMPT, { maxTokens: 30, useCache: false });
    expect(cached.ids).toHaveLength(30);
    expect(cached).toEqual(full);
    expect(cached.stopReason).toBe('max_tokens');
    expect(new Set(cached.ids).size).toBeGreaterThan(1); // not a degenerate constant stream
    expect(tf.memory().numTensors).toBe(before);
  });

  it('same seed -> same sample; another seed -> another; cache and recompute agree when sampling', async () => {
    const opts = { maxTokens: 25, temperature: 1.0, seed: 42 };
    const a = await generate(model, PROMPT, opts);
    const b = await generate(model, PROMPT, opts);
    const c = await generate(model, PROMPT, { ...opts, seed: 43 });
    const d = await generate(model, PROMPT, { ...opts, useCache: false });
    expect(a.ids).toEqual(b.ids);
    expect(a.ids).not.toEqual(c.ids);
    expect(d.ids).toEqual(a.ids);
  });

  it('top-k = 1 and a tiny top-p equal greedy', async () => {
    const greedy = await generate(model, PROMPT, { maxTokens: 20 });
    expect((await generate(model, PROMPT, { maxTokens: 20, temperature: 1.3, topK: 1, seed: 9 })).ids).toEqual(
      greedy.ids,
    );
    expect((await generate(model, PROMPT, { maxTokens: 20, temperature: 1.3, topP: 1e-6, seed: 9 })).ids).toEqual(
      greedy.ids,
    );
  });

  it('streams every token through onToken in order', async () => {
    const seen: [number, number][] = [];
    const r = await generate(model, PROMPT, { maxTokens: 8, onToken: (id, i) => seen.push([id, i]) });
    expect(seen).toEqual(r.ids.map((id, i) => [id, i]));
  });

  it('stops on a stop token (included) and on a stop string', async () => {
    const greedy = (await generate(model, PROMPT, { maxTokens: 20 })).ids;
    const stopId = greedy[4];
    const first = greedy.indexOf(stopId);
    const r1 = await generate(model, PROMPT, { maxTokens: 20, stopTokens: [stopId] });
    expect(r1).toEqual({ ids: greedy.slice(0, first + 1), stopReason: 'stop_token' });

    const text = decode(greedy);
    const stop = text.slice(5, 7);
    const end = text.indexOf(stop) + stop.length; // one char per token
    const r2 = await generate(model, PROMPT, { maxTokens: 20, stopStrings: [stop], decode });
    expect(r2).toEqual({ ids: greedy.slice(0, end), stopReason: 'stop_string' });
  });

  it('abort stops it: from onToken, from a timer while it runs, and before it starts', async () => {
    const ac = new AbortController();
    const r1 = await generate(model, PROMPT, {
      maxTokens: 30,
      signal: ac.signal,
      onToken: (_, i) => i === 2 && ac.abort(),
    });
    expect(r1.stopReason).toBe('aborted');
    expect(r1.ids).toHaveLength(3);

    const ac2 = new AbortController();
    setTimeout(() => ac2.abort(), 0);
    const r2 = await generate(model, [1], { maxTokens: 45, signal: ac2.signal, useCache: false });
    expect(r2.stopReason).toBe('aborted');
    expect(r2.ids.length).toBeLessThan(45);

    const r3 = await generate(model, PROMPT, { maxTokens: 5, signal: AbortSignal.abort() });
    expect(r3).toEqual({ ids: [], stopReason: 'aborted' });
  });

  it('context_full when n_positions is reached; maxTokens 0 gives nothing', async () => {
    const prompt = new Array(44).fill(3);
    const r = await generate(model, prompt, { maxTokens: 10 });
    expect(r.stopReason).toBe('context_full');
    expect(r.ids).toHaveLength(4);
    expect(await generate(model, new Array(48).fill(3), { maxTokens: 3 })).toEqual({
      ids: [],
      stopReason: 'context_full',
    });
    expect(await generate(model, PROMPT, { maxTokens: 0 })).toEqual({ ids: [], stopReason: 'max_tokens' });
  });

  it('rejects bad options and prompts with InputErrors naming the field', async () => {
    await expect(generate(model, PROMPT, { maxTokens: -1 })).rejects.toThrow(/field "maxTokens"/);
    await expect(generate(model, PROMPT, { maxTokens: 3, temperature: -0.5 })).rejects.toThrow(/field "temperature"/);
    await expect(generate(model, PROMPT, { maxTokens: 3, stopStrings: ['x'] })).rejects.toThrow(/decode/);
    await expect(generate(model, [], { maxTokens: 3 })).rejects.toThrow(/prompt has no tokens/);
    await expect(generate(model, new Array(49).fill(1), { maxTokens: 3 })).rejects.toThrow(
      /49 tokens, more than .* 48/,
    );
    await expect(generate(model, [1, 9999], { maxTokens: 3 })).rejects.toThrow(/token id 9999/);
  });
});
