/**
 * The parallel side of `rhythmscope experiment`: a pool of worker processes (./experiment-child.ts, forked with
 * tsx), one run at a time in each, fed from a queue. Every run starts from the same model file and is seeded by
 * its options, so a run's log is the same as in a serial experiment. Abort: every worker stops after its step in
 * progress and its run is reported as aborted (the caller writes nothing for it).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { InputError } from '../core/errors';
import type { RlOptions } from '../core/rl/options';
import type { RunLogLine } from '../core/rl/runlog';

export type ParentMessage =
  | { kind: 'run'; id: number; model: string; backend: 'wasm' | 'cpu'; options: RlOptions }
  | { kind: 'abort' }
  | { kind: 'exit' };

export interface RunDone {
  aborted: boolean;
  lines: RunLogLine[];
  initialAccuracy: number | null;
  finalAccuracy: number | null;
  nanAborts: number;
}

export type ChildMessage =
  | { kind: 'line'; id: number; line: RunLogLine }
  | ({ kind: 'done'; id: number } & RunDone)
  | { kind: 'error'; id: number; message: string; input: boolean };

export interface PoolOptions {
  model: string;
  backend: 'wasm' | 'cpu';
  /** Worker processes (at most one per run). */
  jobs: number;
  signal: AbortSignal;
  onStart?: (index: number, worker: number) => void;
  onLine?: (index: number, line: RunLogLine) => void;
  /** A finished (not aborted) run; awaited before its worker takes the next run. */
  onDone: (index: number, done: RunDone) => Promise<void>;
}

const CHILD = fileURLToPath(new URL('./experiment-child.ts', import.meta.url));

/** tsx's loader as a file URL: the worker resolves it wherever the command was started from. */
function tsxLoader(): string {
  return pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
}

/** Runs every options[i] in the pool; resolves with whether it was aborted (finished runs went to onDone). */
export async function runPool(options: RlOptions[], o: PoolOptions): Promise<{ aborted: boolean }> {
  let next = 0;
  let failure: Error | null = null;
  const children: ChildProcess[] = [];
  const stopAll = () => children.forEach((c) => c.connected && c.send({ kind: 'abort' } satisfies ParentMessage));
  o.signal.addEventListener('abort', stopAll, { once: true });

  const work = async (worker: number): Promise<void> => {
    const child = fork(CHILD, [], {
      execArgv: ['--import', tsxLoader()],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    children.push(child);
    try {
      while (next < options.length && !o.signal.aborted && !failure) {
        const index = next++;
        o.onStart?.(index, worker);
        const done = await new Promise<RunDone>((resolve, reject) => {
          const onMessage = (m: ChildMessage) => {
            if (m.id !== index) return;
            if (m.kind === 'line') o.onLine?.(index, m.line);
            else {
              cleanup();
              if (m.kind === 'done') resolve(m);
              else reject(m.input ? new InputError(m.message) : new Error(`experiment worker: ${m.message}`));
            }
          };
          const onExit = (code: number | null, signal: string | null) => {
            cleanup();
            reject(new Error(`experiment worker ${worker} stopped (exit ${code ?? signal}) during run ${index + 1}`));
          };
          const cleanup = () => {
            child.off('message', onMessage);
            child.off('exit', onExit);
          };
          child.on('message', onMessage);
          child.on('exit', onExit);
          child.send({
            kind: 'run',
            id: index,
            model: o.model,
            backend: o.backend,
            options: options[index],
          } satisfies ParentMessage);
        });
        if (done.aborted || o.signal.aborted) break;
        await o.onDone(index, done);
      }
    } catch (e) {
      failure ??= e as Error;
      stopAll();
    } finally {
      if (child.connected) child.send({ kind: 'exit' } satisfies ParentMessage);
      if (child.exitCode === null && child.signalCode === null) await new Promise((r) => child.once('exit', r));
    }
  };

  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(o.jobs, options.length)) }, (_, w) => work(w)));
  } finally {
    o.signal.removeEventListener('abort', stopAll);
  }
  if (failure) throw failure;
  return { aborted: o.signal.aborted };
}
