/**
 * Trains the built-in models (public/models/rhythm-mini and public/models/rhythm-countdown; each README.md has the
 * exact commands used).
 *   npx tsx scripts/train-builtin.ts --out checkpoints/rhythm-mini --steps 3000 [--resume] [any `rhythmscope train` flag]
 *   npx tsx scripts/train-builtin.ts --init public/models/rhythm-mini --out checkpoints/ft --steps 1500 --mix ...
 * Same as `rhythmscope train` with the built-in shape and mix as defaults, on the wasm backend.
 * --init DIR starts from the weights of the model folder DIR (fresh optimizer, step 0, the schedule from --steps):
 * its config.json, model.safetensors and char_vocab.json are copied into --out, which then resumes from them, and
 * the final trainer_state.json records `init_from`.
 */
import { copyFile, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { initNodeBackend } from '../src/core/backend/node';
import { run } from '../src/cli/cmd-train';

const argv = process.argv.slice(2);
let initFrom: string | undefined;
if (!argv.includes('--out')) argv.push('--out', 'checkpoints/rhythm-mini');
const initAt = argv.indexOf('--init');
if (initAt >= 0) {
  const from = argv[initAt + 1];
  if (!from) {
    console.error('--init needs a model folder');
    process.exit(2);
  }
  argv.splice(initAt, 2);
  initFrom = from;
  const out = argv[argv.indexOf('--out') + 1];
  const exists = await stat(join(out, 'model.safetensors')).then(
    () => true,
    () => false,
  );
  // A folder that already holds a checkpoint is resumed as it is (so an --init run can be continued by rerunning it).
  if (!exists) {
    await mkdir(out, { recursive: true });
    for (const f of ['config.json', 'model.safetensors', 'char_vocab.json'])
      await copyFile(join(from, f), join(out, f));
    console.log(`starting from the weights of ${from}`);
  }
  if (!argv.includes('--resume')) argv.push('--resume');
}
const report = await initNodeBackend('wasm');
console.log(`backend ${report.name} (${report.reason})`);
const code = await run(argv);
if (initFrom !== undefined && code === 0) {
  // The state records the run's own command line; note where its weights started.
  const path = join(argv[argv.indexOf('--out') + 1], 'trainer_state.json');
  const state = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  await writeFile(path, `${JSON.stringify({ ...state, init_from: initFrom }, null, 2)}\n`);
}
process.exit(code);
