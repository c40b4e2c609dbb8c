/**
 * Trains the built-in model public/models/rhythm-mini (its README.md has the exact command used).
 *   npx tsx scripts/train-builtin.ts --out checkpoints/rhythm-mini --steps 3000 [--resume] [any `rhythmscope train` flag]
 * Same as `rhythmscope train` with the built-in shape and mix as defaults, on the wasm backend.
 */
import { initNodeBackend } from '../src/core/backend/node';
import { run } from '../src/cli/cmd-train';

const argv = process.argv.slice(2);
if (!argv.includes('--out')) argv.push('--out', 'checkpoints/rhythm-mini');
const report = await initNodeBackend('wasm');
console.log(`backend ${report.name} (${report.reason})`);
process.exit(await run(argv));
