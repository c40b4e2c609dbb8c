import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectFake, fakeHandlers } from '../../worker/testing/fakeEngine';
import { setEngineFactory } from '../app/engine';
import { useNoticeStore } from '../app/noticeStore';
import { generateFromPrompt, stopGeneration } from '../prompt/actions';
import { useDocumentStore } from '../prompt/documentStore';
import { writeZip } from '../../core/io/zip';
import { loadModelChoice, modelSourceOf, startEngine, switchBackend } from './actions';
import { initialModelState, useModelStore } from './modelStore';

let closers: (() => void)[] = [];
let log: string[] = [];

beforeEach(() => {
  log = [];
  useModelStore.setState({ ...initialModelState });
  useNoticeStore.getState().clear();
  setEngineFactory(() => {
    const { client, close } = connectFake(fakeHandlers(log));
    closers.push(close);
    return client;
  });
});

afterEach(() => {
  for (const c of closers) c();
  closers = [];
});

const good = { kind: 'url', url: 'models/good/' } as const;
const other = { kind: 'url', url: 'models/other/' } as const;
const broken = { kind: 'url', url: 'models/broken/' } as const;

describe('model actions', () => {
  it('start, load: the store holds the backend report and the model', async () => {
    expect(await startEngine('wasm')).toBe(true);
    expect(useModelStore.getState()).toMatchObject({
      engineStatus: 'ready',
      backendChoice: 'wasm',
      backend: { name: 'wasm' },
    });
    expect(await loadModelChoice(good)).toBe(true);
    expect(useModelStore.getState()).toMatchObject({ info: { name: 'models/good/' }, choice: good, loading: null });
  });

  it('a failed load keeps the previous model and shows an error naming the file', async () => {
    await startEngine('auto');
    await loadModelChoice(good);
    expect(await loadModelChoice(broken)).toBe(false);
    const s = useModelStore.getState();
    expect(s.info?.name).toBe('models/good/');
    expect(s.choice).toEqual(good);
    expect(s.loading).toBeNull();
    const [notice] = useNoticeStore.getState().notices;
    expect(notice).toMatchObject({
      kind: 'error',
      context: 'Loading model models/broken/',
      message: 'config.json: bad header',
    });
  });

  it('a successful load clears earlier load errors', async () => {
    await startEngine('auto');
    await loadModelChoice(broken);
    expect(useNoticeStore.getState().notices).toHaveLength(1);
    await loadModelChoice(other);
    expect(useNoticeStore.getState().notices).toHaveLength(0);
  });

  it('switching backend starts a fresh engine and reloads the current model there', async () => {
    await startEngine('auto');
    await loadModelChoice(other);
    await switchBackend('cpu');
    expect(closers.length).toBe(2); // a second engine was made
    expect(useModelStore.getState()).toMatchObject({
      backendChoice: 'cpu',
      backend: { name: 'cpu' },
      info: { name: 'models/other/' },
    });
  });
});

describe('a model folder as a .zip', () => {
  const enc = new TextEncoder();
  const zipFile = (name: string, entries: [string, string][]) =>
    new File([writeZip(entries.map(([path, text]) => ({ path, bytes: enc.encode(text) })))], name);

  it('is unpacked on the page: paths inside the one enclosing folder, named after the archive', async () => {
    const file = zipFile('my-gpt2.zip', [
      ['gpt2/config.json', '{"n_layer": 1}'],
      ['gpt2/tok/char_vocab.json', '[]'],
    ]);
    const source = await modelSourceOf({ kind: 'zip', file });
    expect(source.kind).toBe('files');
    if (source.kind !== 'files') return;
    expect(source.name).toBe('my-gpt2');
    expect(Object.keys(source.files)).toEqual(['config.json', 'tok/char_vocab.json']);
    expect(new TextDecoder().decode(source.files['config.json'])).toBe('{"n_layer": 1}');
  });

  it('a broken zip is an error naming the file; the previous model stays', async () => {
    await startEngine('auto');
    await loadModelChoice(good);
    const file = new File([new TextEncoder().encode('not a zip at all')], 'model.zip');
    expect(await loadModelChoice({ kind: 'zip', file })).toBe(false);
    expect(useModelStore.getState()).toMatchObject({ info: { name: 'models/good/' }, choice: good, loading: null });
    const [notice] = useNoticeStore.getState().notices;
    expect(notice).toMatchObject({ kind: 'error', context: 'Loading model model.zip (zip)' });
    expect(notice.message).toMatch(/model\.zip: not a zip archive/);
  });
});

describe('generation actions', () => {
  it('streams tokens into the document store and records the outcome', async () => {
    await startEngine('auto');
    await loadModelChoice(good);
    useDocumentStore.setState({ prompt: 'hi', settings: { maxTokens: 3, temperature: 0, seed: 1 } });
    await generateFromPrompt();
    const d = useDocumentStore.getState();
    expect(d.tokens.map((t) => t.text)).toEqual(['t0', 't1', 't2']);
    expect(d.generatedFrom).toBe('hi');
    expect(d.generating).toBe(false);
    expect(d.last).toMatchObject({ stopReason: 'max_tokens', count: 3 });
  });

  it('Stop ends a running generation with "aborted" and keeps the tokens so far', async () => {
    await startEngine('auto');
    await loadModelChoice(good);
    useDocumentStore.setState({ prompt: 'hi', settings: { maxTokens: 10_000, temperature: 0, seed: 1 } });
    const running = generateFromPrompt();
    await new Promise((r) => setTimeout(r, 60));
    expect(useDocumentStore.getState().generating).toBe(true);
    stopGeneration();
    await running;
    const d = useDocumentStore.getState();
    expect(d.last?.stopReason).toBe('aborted');
    expect(d.last!.count).toBeGreaterThan(0);
    expect(d.last!.count).toBeLessThan(10_000);
    expect(d.tokens.length).toBe(d.last!.count);
    expect(useNoticeStore.getState().notices).toHaveLength(0);
  });
});

describe('built-in model files listed by the catalog', () => {
  const served: Record<string, string | number> = {
    'config.json': '{"n_layer": 1}',
    'char_vocab.json': '{}',
    'model.safetensors': 'WEIGHTS',
    'gone.json': 404,
    'broken.json': 500,
  };
  /** Answers after a tick and records how many requests were open at once. */
  function fakeServer() {
    const seen: string[] = [];
    let open = 0,
      maxOpen = 0;
    const fetchFn = (async (url: string) => {
      const name = url.split('/').pop()!;
      seen.push(url);
      maxOpen = Math.max(maxOpen, ++open);
      await new Promise((r) => setTimeout(r, 5));
      open--;
      const body = served[name];
      if (typeof body === 'number')
        return new Response('no', { status: body, statusText: body === 404 ? 'Not Found' : 'Server Error' });
      return new Response(body);
    }) as unknown as typeof fetch;
    return { fetchFn, seen, maxOpen: () => maxOpen };
  }

  it('fetches every listed file at once, as in-memory files named after the model', async () => {
    const server = fakeServer();
    const choice = {
      kind: 'catalog',
      id: 'rhythm-mini',
      url: 'http://app.test/models/rhythm-mini/',
      files: ['config.json', 'char_vocab.json', 'model.safetensors'],
    } as const;
    const source = await modelSourceOf({ ...choice, files: [...choice.files] }, server.fetchFn);
    expect(server.maxOpen()).toBe(3);
    expect(server.seen).toEqual(
      ['config.json', 'char_vocab.json', 'model.safetensors'].map((f) => `http://app.test/models/rhythm-mini/${f}`),
    );
    if (source.kind !== 'files') throw new Error('expected files');
    expect(source.name).toBe('rhythm-mini');
    expect(Object.keys(source.files)).toEqual(['config.json', 'char_vocab.json', 'model.safetensors']);
    expect(new TextDecoder().decode(source.files['model.safetensors'])).toBe('WEIGHTS');
  });

  it('a listed file that is gone is left out (the loader names it); another HTTP error names the file', async () => {
    const url = 'http://app.test/models/m/';
    const source = await modelSourceOf(
      { kind: 'catalog', id: 'm', url, files: ['config.json', 'gone.json'] },
      fakeServer().fetchFn,
    );
    expect(source.kind === 'files' && Object.keys(source.files)).toEqual(['config.json']);
    await expect(
      modelSourceOf({ kind: 'catalog', id: 'm', url, files: ['config.json', 'broken.json'] }, fakeServer().fetchFn),
    ).rejects.toThrow('http://app.test/models/m/broken.json: HTTP 500 Server Error');
  });

  it('without a list the worker loads the folder by URL', async () => {
    expect(await modelSourceOf({ kind: 'catalog', id: 'm', url: 'models/m/' })).toEqual({
      kind: 'url',
      url: 'models/m/',
    });
  });
});
