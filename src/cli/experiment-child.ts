/**
 * One worker process of `rhythmscope experiment --jobs N` (forked by ./experiment-pool.ts): loads the starting
 * model once, then runs one RL run per `run` message with the same code as a serial run (RlRun), posting each
 * log line and the run's summary back. Writes no files: the parent writes every output, so an interrupted run
 * leaves nothing behind. Ctrl-C (the whole process group gets it) and `abort` stop the run after its step.
 */
import { initNodeBackend } from '../core/backend/node';
import { isInputError } from '../core/errors';
import { loadPolicy } from '../core/rl/load-policy';
import { RlRun } from '../core/rl/run';
import { registerGradientsNode } from '../core/train/gradients-node';
import { openModel } from './common';
import type { ChildMessage, ParentMessage } from './experiment-pool';

let init: Awaited<ReturnType<typeof loadPolicy>> | null = null;
let current: AbortController | null = null;

const send = (m: ChildMessage) => process.send!(m);

async function runOne(m: Extract<ParentMessage, { kind: 'run' }>): Promise<void> {
  if (!init) {
    await initNodeBackend(m.backend);
    await registerGradientsNode();
    init = await loadPolicy(await openModel(m.model));
  }
  const controller = new AbortController();
  current = controller;
  const run = new RlRun(init, m.options);
  try {
    const s = await run.run({ signal: controller.signal, onLine: (line) => send({ kind: 'line', id: m.id, line }) });
    send({
      kind: 'done',
      id: m.id,
      aborted: s.aborted,
      lines: s.lines,
      initialAccuracy: s.initialAccuracy,
      finalAccuracy: s.finalAccuracy,
      nanAborts: s.nanAborts,
    });
  } finally {
    current = null;
    run.dispose();
  }
}

process.on('SIGINT', () => current?.abort());
process.on('message', (m: ParentMessage) => {
  if (m.kind === 'abort') current?.abort();
  else if (m.kind === 'exit') process.exit(0);
  else
    runOne(m).catch((e: unknown) =>
      send({ kind: 'error', id: m.id, message: e instanceof Error ? e.message : String(e), input: isInputError(e) }),
    );
});
