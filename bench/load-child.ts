/**
 * One model load in its own process, for `npm run bench -- load`: prints {variant, ms, hwmMiB, rssMiB} as JSON.
 * Variants: "baseline" (Node + tfjs-wasm ready, nothing loaded), "naive" (every shard read whole, every tensor decoded
 * to float32 and held, then uploaded), "loader" (loadModel: shard headers read first, then each tensor read by its
 * byte range, converted and uploaded one at a time). Peak = VmHWM of this process (/proc/self/status), so each variant runs alone.
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { decodeUtf8 } from '../src/core/io/files';
import { filesFromDir } from '../src/core/io/node-files';
import { parseSafetensors, type TensorSource } from '../src/core/io/safetensors';
import { INDEX_FILE } from '../src/core/io/weights';
import { Decoder } from '../src/core/model/decoder';
import { parseModelConfig } from '../src/core/model/families';
import { loadModel } from '../src/core/model/load';

function status(key: string): number {
  const line = readFileSync('/proc/self/status', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(key + ':'));
  return Number(line?.split(/\s+/)[1] ?? NaN) / 1024; // kB -> MiB
}

/** The naive path: read every shard whole, decode every tensor to float32 (all held), then upload. */
async function naive(dir: string): Promise<Decoder> {
  const files = filesFromDir(dir);
  const config = parseModelConfig(decodeUtf8((await files.get('config.json'))!), 'config.json');
  const map = (JSON.parse(decodeUtf8((await files.get(INDEX_FILE))!)) as { weight_map: Record<string, string> })
    .weight_map;
  const decoded = new Map<string, { data: Float32Array; shape: number[] }>();
  for (const shard of new Set(Object.values(map))) {
    const src = parseSafetensors((await files.get(shard))!, shard);
    for (const name of src.names) decoded.set(name, { data: src.getFloat32(name), shape: src.info(name)!.shape });
  }
  const source: TensorSource = {
    fileName: dir,
    metadata: {},
    names: [...decoded.keys()],
    info: (name) => {
      const t = decoded.get(name);
      return t && { name, dtype: 'F32', shape: t.shape };
    },
    getFloat32: (name) => decoded.get(name)!.data,
  };
  return Decoder.fromSource(config, source, { name: 'naive' });
}

async function run(variant: string, dir: string): Promise<void> {
  await tf.setBackend('wasm');
  await tf.ready();
  const t0 = performance.now();
  if (variant === 'naive') (await naive(dir)).dispose();
  else if (variant === 'loader') (await loadModel(filesFromDir(dir), { tokenizerOptional: true })).model.dispose();
  else if (variant !== 'baseline') throw new Error(`unknown variant ${variant}`);
  const ms = performance.now() - t0;
  console.log(JSON.stringify({ variant, ms, hwmMiB: status('VmHWM'), rssMiB: status('VmRSS') }));
}

void run(process.argv[2], process.argv[3]);
