/**
 * Benchmark registry: `npm run bench` runs every benchmark, `npm run bench -- model --quick` one of them
 * (flags after the names go to each benchmark). Each benchmark prints markdown tables to stdout.
 * Add an entry here; keep imports lazy so one benchmark's setup does not slow the others.
 */
interface Bench {
  name: string;
  description: string;
  run(args: string[]): Promise<void>;
}

const BENCHES: Bench[] = [
  {
    name: 'model',
    description: 'GPT-2 forward per Node backend, KV-cache vs recompute generation, share of the matmul rate',
    run: async (args) => (await import('./model')).main(args),
  },
  {
    name: 'load',
    description:
      'peak host memory and time of loading a ~300 MB BF16 sharded checkpoint: naive path vs loadModel (child processes)',
    run: async (args) => (await import('./load')).main(args),
  },
  {
    name: 'rhythm',
    description:
      'analysis overhead vs a plain forward, peak tensor memory, streaming vs naive full-map path (GPT-2-small shape)',
    run: async (args) => (await import('./rhythm')).main(args),
  },
  {
    name: 'kernels',
    description: "SIMD batched matMul vs tfjs-wasm's BatchMatMul on the attention products of RL training and decoding",
    run: async (args) => (await import('./kernels')).main(args),
  },
  {
    name: 'rl',
    description: 'RL step time by phase (rollout, attention pass, metrics, update) on the built-in model, wasm in Node',
    run: async () => (await import('./rl')).benchRl(),
  },
  {
    name: 'credit-cost',
    description: 'step checkers (alone, and with CAPO/PURE credit) and TEMPO terms as a share of one RL step',
    run: async () => (await import('./credit-cost')).main(),
  },
  {
    name: 'studies',
    description:
      'linkage per sequence vs a plain analysis (N = 256); perturbation continuations batched vs one at a time',
    run: async () => (await import('./studies')).main(),
  },
  {
    name: 'browser',
    description:
      'Playwright on the production build: built-in model N=512 load-to-analysis (wasm), 1024x1024 heatmap redraw',
    run: async (args) => (await import('./browser')).main(args),
  },
  {
    name: 'hub',
    description:
      'Playwright + a mock Hub: page download vs curl, reopen from the cache, wasm forward N=256 (GPT-2-small shape) on 1 vs all threads',
    run: async (args) => (await import('./hub')).main(args),
  },
  {
    name: 'browser-backends',
    description:
      'Playwright, tiny-random model: forward ms at N = 64/256/1024 per browser backend (wasm, webgl, webgpu)',
    run: async (args) => (await import('./browser-backends')).main(args),
  },
];

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const names = argv.filter((a) => !a.startsWith('-'));
  const flags = argv.filter((a) => a.startsWith('-'));
  if (flags.includes('--help')) {
    console.log('usage: npm run bench -- [name ...] [--quick]\n');
    for (const b of BENCHES) console.log(`  ${b.name.padEnd(10)} ${b.description}`);
    return;
  }
  const unknown = names.filter((n) => !BENCHES.some((b) => b.name === n));
  if (unknown.length) {
    console.error(`unknown benchmark(s): ${unknown.join(', ')}; known: ${BENCHES.map((b) => b.name).join(', ')}`);
    process.exit(2);
  }
  for (const b of BENCHES.filter((x) => names.length === 0 || names.includes(x.name))) {
    console.log(`\n# bench: ${b.name}\n`);
    await b.run(flags);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
