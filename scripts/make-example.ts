/**
 * Writes the analysed example the app opens on (public/examples/): the built-in model solves one addition
 * problem greedily, exactly as the app's Generate would, and the prompt + its response go through one forward
 * pass into an attention dump (`rhythmscope forward --ids`), which `rhythmscope analyze` turns into the record.
 *   npx tsx scripts/make-example.ts [--prompt '347+185=?\n']
 * Outputs: addition.json (prompt, response, verdict), addition.safetensors (the dump the app imports, no model
 * needed), addition.analysis.jsonl (the analysis record, for reading without the app).
 */
import { writeFile } from 'node:fs/promises';
import { initNodeBackend } from '../src/core/backend/node';
import { filesFromDir } from '../src/core/io/node-files';
import { generate } from '../src/core/model/generate';
import { loadModel } from '../src/core/model/load';
import { detectTask, verifyCompletion } from '../src/core/tasks/index';
import { main } from '../src/cli/main';

const MODEL = 'public/models/rhythm-mini';
const OUT = 'public/examples';
const i = process.argv.indexOf('--prompt');
const prompt = i >= 0 ? process.argv[i + 1].replace(/\\n/g, '\n') : '347+185=?\n';

await initNodeBackend('wasm');
const { model, tokenizer } = await loadModel(filesFromDir(MODEL));
const promptIds = tokenizer.encode(prompt);
const stops = tokenizer.stopIds ?? (tokenizer.eosId === undefined ? [] : [tokenizer.eosId]);
// Greedy, so the example is reproducible; the stop token stays in, as in the app's generate → analysis.
const out = await generate(model, promptIds, { maxTokens: 96, temperature: 0, stopTokens: [...stops] });
model.dispose();
const response = tokenizer.decode(out.ids.filter((id) => !stops.includes(id)));
const task = detectTask(prompt);
const verdict = task ? verifyCompletion(task, prompt, response) : null;
if (!verdict?.correct)
  throw new Error(`the built-in model does not solve ${JSON.stringify(prompt)}: ${JSON.stringify(response)}`);

const ids = [...promptIds, ...out.ids];
const dump = `${OUT}/addition.safetensors`;
const code1 = await main([
  'forward',
  '--model',
  MODEL,
  '--ids',
  ids.join(','),
  '--prompt-length',
  String(promptIds.length),
  '--out',
  dump,
]);
const code2 = await main(['analyze', '--attention', dump, '--out', `${OUT}/addition.analysis.jsonl`]);
if (code1 !== 0 || code2 !== 0) throw new Error('forward or analyze failed');
const meta = {
  task,
  prompt,
  response,
  answer: verdict.answer,
  correct: verdict.correct,
  model: 'rhythm-mini',
  dump: 'addition.safetensors',
};
await writeFile(`${OUT}/addition.json`, JSON.stringify(meta, null, 2) + '\n');
console.log(`wrote ${OUT}/addition.{json,safetensors,analysis.jsonl}: ${JSON.stringify(response)}`);
