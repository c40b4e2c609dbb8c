import { describe, expect, it } from 'vitest';
import { modelBytes } from './modelBytes';

const file = (name: string, text: string) => new File([text], name);
const text = (b: ArrayBuffer) => new TextDecoder().decode(b);

/** A fetch over `served` (path → body); anything else is a 404. */
function server(served: Record<string, string>): typeof fetch {
  return (async (url: string) => {
    const path = new URL(url, 'http://localhost/').pathname;
    return served[path] !== undefined ? new Response(served[path]) : new Response('', { status: 404 });
  }) as unknown as typeof fetch;
}

describe('modelBytes', () => {
  it('reads a local folder (only the model files: config, weights, tokenizer)', async () => {
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

  it('a sharded Hugging Face folder: the index, every shard it names, tokenizer.json and its companions', async () => {
    const index = JSON.stringify({ weight_map: { a: 'model-1.safetensors', b: 'model-2.safetensors' } });
    const names = ['config.json', 'model.safetensors.index.json', 'model-1.safetensors', 'model-2.safetensors'];
    const more = ['tokenizer.json', 'tokenizer_config.json', 'generation_config.json', 'chat_template.jinja'];
    const bodies: Record<string, string> = { 'model.safetensors.index.json': index };
    const all = [...names, ...more, 'model-9.safetensors', 'notes.txt'];
    const m = await modelBytes(
      { kind: 'folder', name: 'q', files: all.map((n) => file(n, bodies[n] ?? n)), paths: all },
      'q',
    );
    expect(Object.keys(m.files).sort()).toEqual([...names, ...more].sort());
    expect(text(m.files['model-2.safetensors'])).toBe('model-2.safetensors');
  });

  it('fetches a URL model folder; a folder without a tokenizer is an InputError naming it', async () => {
    const served: Record<string, string> = { '/models/x/config.json': '{}', '/models/x/model.safetensors': 'abc' };
    const fetchFn = server(served);
    await expect(modelBytes({ kind: 'url', url: '/models/x/' }, 'x', fetchFn)).rejects.toThrow(
      /^x: training needs a tokenizer: looked for tokenizer.json and char_vocab.json/,
    );
    served['/models/x/tokenizer.json'] = '{}';
    const m = await modelBytes({ kind: 'url', url: '/models/x' }, 'x', fetchFn);
    expect(Object.keys(m.files).sort()).toEqual(['config.json', 'model.safetensors', 'tokenizer.json']);
    expect(m.files['model.safetensors'].byteLength).toBe(3);
  });

  it('no weights, or no config.json: InputErrors naming the file', async () => {
    const fetchFn = server({ '/m/config.json': '{}', '/m/char_vocab.json': '{}' });
    await expect(modelBytes({ kind: 'url', url: '/m/' }, 'm', fetchFn)).rejects.toThrow(
      /^m: no model.safetensors or model.safetensors.index.json/,
    );
    await expect(modelBytes({ kind: 'url', url: '/n/' }, 'n', fetchFn)).rejects.toThrow(
      /^n\/config.json: missing file/,
    );
  });
});
