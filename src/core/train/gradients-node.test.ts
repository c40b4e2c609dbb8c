import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** Runs registerGradientsNode in a fresh Node process (the registry is global) and reads what it registered. */
function registered(how: 'bundle' | 'files'): { way: string; count: number; matMul: boolean; logSoftmax: boolean } {
  const script = `
    const tf = await import('@tensorflow/tfjs-core');
    const names = Object.values(tf).filter((v) => typeof v === 'string' && /^[A-Z][A-Za-z0-9]+$/.test(v));
    const before = names.filter((n) => tf.getGradient(n)).length;
    if (before !== 0) throw new Error('gradients were registered before the call');
    const { registerGradientsNode } = await import('./src/core/train/gradients-node.ts');
    const way = await registerGradientsNode('${how}');
    console.log(JSON.stringify({
      way,
      count: names.filter((n) => tf.getGradient(n)).length,
      matMul: !!tf.getGradient('BatchMatMul'),
      logSoftmax: !!tf.getGradient('LogSoftmax'),
    }));`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

describe('registerGradientsNode (plain Node, CommonJS tfjs-core)', () => {
  it('the cached bundle registers the same gradients as loading the ES module tree file by file', () => {
    const files = registered('files');
    expect(files).toMatchObject({ way: 'files', matMul: true, logSoftmax: true });
    expect(files.count).toBeGreaterThan(90);
    expect(registered('bundle')).toEqual({ ...files, way: 'bundle' });
  }, 60_000);
});
