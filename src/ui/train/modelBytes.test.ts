import { describe, expect, it } from 'vitest';
import { modelBytes } from './modelBytes';

const file = (name: string, text: string) => new File([text], name);

describe('modelBytes', () => {
  it('reads a local folder (only the three model files)', async () => {
    const m = await modelBytes(
      {
        kind: 'folder',
        name: 'f',
        files: [
          file('config.json', '{}'),
          file('model.safetensors', 'ab'),
          file('char_vocab.json', '[]'),
          file('README.md', 'x'),
        ],
        paths: ['config.json', 'model.safetensors', 'char_vocab.json', 'README.md'],
      },
      'f',
    );
    expect(Object.keys(m.files).sort()).toEqual(['char_vocab.json', 'config.json', 'model.safetensors']);
    expect(m.files['model.safetensors'].byteLength).toBe(2);
  });

  it('fetches a built-in model folder; a missing vocabulary is an InputError naming the file', async () => {
    const served: Record<string, string> = { '/models/x/config.json': '{}', '/models/x/model.safetensors': 'abc' };
    const fetchFn = (async (url: string) =>
      served[url] !== undefined
        ? new Response(served[url])
        : new Response('', { status: 404 })) as unknown as typeof fetch;
    await expect(modelBytes({ kind: 'catalog', id: 'x', url: '/models/x/' }, 'x', fetchFn)).rejects.toThrow(
      /^x\/char_vocab.json: missing file \(training needs a character-vocabulary model/,
    );
    served['/models/x/char_vocab.json'] = '[]';
    const m = await modelBytes({ kind: 'catalog', id: 'x', url: '/models/x' }, 'x', fetchFn);
    expect(m.files['model.safetensors'].byteLength).toBe(3);
  });
});
