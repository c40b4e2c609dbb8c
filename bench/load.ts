/**
 * Load benchmark (`npm run bench -- load`): a ~300 MB BF16 sharded checkpoint in the Hugging Face layout (a
 * Qwen2.5-0.5B-shaped random Qwen2 cut to 8 layers and V 32768, tied head; 3 shards + model.safetensors.index.json,
 * written here into a temp dir), loaded in Node on wasm by the naive path and by today's loader, each in its own child
 * process (bench/load-child.ts) so VmHWM is that load's peak. A baseline child (runtime only) is subtracted.
 * `--quick`: 2 layers, V 8192.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { familyOf, parseModelConfig } from '../src/core/model/families';
import { mulberry32 } from '../src/core/model/sampling';
import { randomLlamaConfigJson, type RandomLlamaShape } from '../src/core/model/testing/randomModel';

const SHAPE: RandomLlamaShape = {
  modelType: 'qwen2',
  layers: 8,
  heads: 14,
  kvHeads: 2,
  hidden: 896,
  headDim: 64,
  inner: 4864,
  vocab: 32768,
  context: 2048,
};
const MiB = 2 ** 20;

/** Random BF16 bits (uniform ±1/√fan-in, truncated from float32); 1.0 for norms. */
function bf16(name: string, shape: number[], rng: () => number): Uint16Array {
  const n = shape.reduce((a, b) => a * b, 1);
  const f = new Float32Array(n);
  if (shape.length === 1 && /norm/.test(name)) f.fill(1);
  else {
    const s = shape.length === 2 ? 1 / Math.sqrt(shape[1]) : 0.02;
    for (let i = 0; i < n; i++) f[i] = s * (2 * rng() - 1);
  }
  const halves = new Uint16Array(f.buffer);
  const out = new Uint16Array(n);
  for (let i = 0; i < n; i++) out[i] = halves[2 * i + 1]; // little endian: the high half is the bf16
  return out;
}

/** Writes config.json, 3 BF16 shards and the index; returns stats of the checkpoint. */
function writeCheckpoint(dir: string, shape: RandomLlamaShape) {
  const configJson = randomLlamaConfigJson(shape);
  writeFileSync(join(dir, 'config.json'), configJson);
  const config = parseModelConfig(configJson, 'config.json');
  const tensors = familyOf(config).tensors(config);
  const bytes = (s: number[]) => 2 * s.reduce((a, b) => a * b, 1);
  const total = tensors.reduce((n, t) => n + bytes(t.shape), 0);
  const shards: (typeof tensors)[] = [[], [], []];
  let acc = 0;
  for (const t of tensors) {
    shards[Math.min(2, Math.floor((3 * acc) / total))].push(t);
    acc += bytes(t.shape);
  }
  const weightMap: Record<string, string> = {};
  const rng = mulberry32(1);
  shards.forEach((list, i) => {
    const file = `model-0000${i + 1}-of-00003.safetensors`;
    const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
    let off = 0;
    for (const t of list) {
      header[t.name] = { dtype: 'BF16', shape: t.shape, data_offsets: [off, off + bytes(t.shape)] };
      off += bytes(t.shape);
      weightMap[t.name] = file;
    }
    const json = Buffer.from(JSON.stringify(header).padEnd(Math.ceil(JSON.stringify(header).length / 8) * 8, ' '));
    const len = Buffer.alloc(8);
    len.writeUInt32LE(json.length, 0);
    const fd = openSync(join(dir, file), 'w');
    writeSync(fd, len);
    writeSync(fd, json);
    for (const t of list) writeSync(fd, bf16(t.name, t.shape, rng));
    closeSync(fd);
  });
  writeFileSync(
    join(dir, 'model.safetensors.index.json'),
    JSON.stringify({ metadata: { total_size: total }, weight_map: weightMap }),
  );
  const largest = Math.max(...tensors.map((t) => bytes(t.shape)));
  return { params: total / 2, bf16: total, f32: 2 * total, largestF32: 2 * largest, count: tensors.length };
}

interface ChildResult {
  variant: string;
  ms: number;
  hwmMiB: number;
  rssMiB: number;
}

function child(variant: string, dir: string): ChildResult {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/load-child.ts', variant, dir], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (r.status !== 0) throw new Error(`load child ${variant} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as ChildResult;
}

export async function main(args: string[]): Promise<void> {
  const quick = args.includes('--quick');
  const shape = quick ? { ...SHAPE, layers: 2, vocab: 8192 } : SHAPE;
  const dir = mkdtempSync(join(tmpdir(), 'rhythmscope-load-'));
  try {
    const s = writeCheckpoint(dir, shape);
    const load0 = loadavg()[0];
    const base = child('baseline', dir);
    const runs = [child('naive', dir), child('loader', dir)];
    const load1 = loadavg()[0];
    const m = (b: number) => (b / MiB).toFixed(0);
    console.log(
      `Qwen2 shape (${shape.layers} layers, hidden ${shape.hidden}, inner ${shape.inner}, V ${shape.vocab}, tied): ` +
        `${(s.params / 1e6).toFixed(1)}M parameters, ${s.count} tensors, 3 BF16 shards of ${m(s.bf16)} MiB in all; ` +
        `float32 weights ${m(s.f32)} MiB, largest tensor ${m(s.largestF32)} MiB as float32. ` +
        `Load average ${load0.toFixed(1)} → ${load1.toFixed(1)}; baseline process (Node + tfjs-wasm) peak ${base.hwmMiB.toFixed(0)} MiB.\n`,
    );
    console.log('| load | wall s | peak RSS MiB | peak − baseline MiB | / (float32 weights + largest tensor) |');
    console.log('|---|---|---|---|---|');
    const bound = (s.f32 + s.largestF32) / MiB;
    for (const r of runs) {
      const over = r.hwmMiB - base.hwmMiB;
      const name = r.variant === 'naive' ? 'before: naive (shards whole, all float32 held)' : 'after: loadModel';
      console.log(
        `| ${name} | ${(r.ms / 1000).toFixed(1)} | ${r.hwmMiB.toFixed(0)} | ${over.toFixed(0)} | ${(over / bound).toFixed(2)}× |`,
      );
    }
    console.log(
      `\nBound (float32 weights + largest tensor): ${bound.toFixed(0)} MiB; + the BF16 shards held whole: ${(bound + s.bf16 / MiB).toFixed(0)} MiB.`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
