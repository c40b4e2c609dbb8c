import { describe, expect, it } from 'vitest';
import { filesFromMap } from './files';
import { writeSafetensors } from './safetensors';
import { readWeights } from './weights';

const f32 = (...v: number[]) => new Float32Array(v);

describe('readWeights', () => {
  it('reads a single model.safetensors and reports progress', async () => {
    const bytes = writeSafetensors([{ name: 'wte.weight', shape: [2, 2], data: f32(1, 2, 3, 4) }]);
    const progress: number[] = [];
    const src = await readWeights(filesFromMap('m', { 'model.safetensors': bytes }), (f) => progress.push(f));
    expect(src.names).toEqual(['wte.weight']);
    expect(Array.from(src.getFloat32('wte.weight'))).toEqual([1, 2, 3, 4]);
    expect(progress.at(-1)).toBe(1);
  });

  it('merges shards through the index weight_map', async () => {
    const s1 = writeSafetensors(
      [
        { name: 'a', shape: [1], data: f32(1) },
        { name: 'b', shape: [2], data: f32(2, 3) },
      ],
      { k: 'v' },
    );
    const s2 = writeSafetensors([{ name: 'c', shape: [1], data: f32(4) }]);
    const index = {
      metadata: { total_size: 16 },
      weight_map: { a: 's-1.safetensors', b: 's-1.safetensors', c: 's-2.safetensors' },
    };
    const src = await readWeights(
      filesFromMap('m', {
        'model.safetensors.index.json': JSON.stringify(index),
        's-1.safetensors': s1,
        's-2.safetensors': s2,
      }),
    );
    expect(src.names).toEqual(['a', 'b', 'c']);
    expect(Array.from(src.getFloat32('b'))).toEqual([2, 3]);
    expect(Array.from(src.getFloat32('c'))).toEqual([4]);
    expect(Array.from(src.readFloat32!('b'))).toEqual([2, 3]);
    expect(src.info('c')).toEqual({ name: 'c', dtype: 'F32', shape: [1] });
    expect(src.info('zzz')).toBeUndefined();
    expect(src.metadata).toEqual({ k: 'v' });
    expect(() => src.getFloat32('zzz')).toThrow(/zzz/);
  });

  it('errors name the folder, the shard and the tensor', async () => {
    await expect(readWeights(filesFromMap('empty', {}))).rejects.toThrow(/empty.*model\.safetensors/);
    const idx = (wm: unknown) => ({ 'model.safetensors.index.json': JSON.stringify({ weight_map: wm }) });
    await expect(readWeights(filesFromMap('m', idx({ a: 's.safetensors' })))).rejects.toThrow(
      /m\/s\.safetensors.*missing/,
    );
    const s = writeSafetensors([{ name: 'a', shape: [1], data: f32(1) }]);
    await expect(
      readWeights(filesFromMap('m', { ...idx({ a: 's.safetensors', q: 's.safetensors' }), 's.safetensors': s })),
    ).rejects.toThrow(/m\/s\.safetensors, field "q"/);
    await expect(readWeights(filesFromMap('m', idx({ a: '../x' })))).rejects.toThrow(/weight_map\.a/);
    await expect(readWeights(filesFromMap('m', idx([])))).rejects.toThrow(/weight_map/);
    await expect(readWeights(filesFromMap('m', { 'model.safetensors.index.json': '{' }))).rejects.toThrow(
      /index\.json.*JSON/,
    );
    // A corrupt shard: the parse error names the shard file.
    await expect(
      readWeights(filesFromMap('m', { ...idx({ a: 'bad.safetensors' }), 'bad.safetensors': new Uint8Array(3) })),
    ).rejects.toThrow(/m\/bad\.safetensors/);
  });
});
