/**
 * An RL run: N steps with held-out evaluation, progress, pause/resume and abort. Environment-free: lines go
 * to `onLine` (the CLI writes run.jsonl, the worker posts them to the page).
 */
import { yieldToEventLoop } from '../model/generate';
import type { RunLogLine } from './runlog';
import { RlTrainer, type PolicyInit, type TrainerResume } from './trainer';
import type { RlOptions } from './options';
import type { TestHooks } from './update';

export interface RunHooks {
  onLine?: (line: RunLogLine) => void;
  onProgress?: (fraction: number, message: string) => void;
  signal?: AbortSignal;
  /** The starting model's held-out accuracy, once known (before the first step; a resumed run's at once). */
  onStart?: (initialAccuracy: number | null) => void;
  /** Awaited after each step's onLine (the app's tests slow a run down with it). */
  afterStep?: (line: RunLogLine) => Promise<void>;
}

/** A run continued from a checkpoint: the trainer's state plus what the run had measured before. */
export interface RunResume extends TrainerResume {
  /** The starting model's held-out accuracy (step 0), measured by the original run. */
  initialAccuracy: number | null;
  /** The latest held-out accuracy before the checkpoint, if any. */
  lastAccuracy?: number | null;
}

export interface RunSummary {
  steps: number;
  aborted: boolean;
  nanAborts: number;
  /** Held-out accuracy before training (step 0) and at the end. */
  initialAccuracy: number | null;
  finalAccuracy: number | null;
  lines: RunLogLine[];
}

/**
 * Pause/resume between steps; the app calls pause() and resume(), the run loop awaits gate(). `held()` resolves
 * once a pause has taken hold: the loop is waiting at the gate (no step in flight) or the run has ended.
 */
export class PauseGate {
  private paused = false;
  private waiting = false;
  private ended = false;
  private waiters: (() => void)[] = [];
  private holders: (() => void)[] = [];

  get isPaused(): boolean {
    return this.paused;
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    for (const w of this.waiters.splice(0)) w();
  }

  /** Resolves when nothing runs until resume(): at once if the loop already waits or has ended. */
  held(): Promise<void> {
    if (this.waiting || this.ended) return Promise.resolve();
    return new Promise((resolve) => this.holders.push(resolve));
  }

  /** The run loop starts (again): held() waits for the gate from now on. */
  begin(): void {
    this.ended = false;
  }

  /** The run loop has finished: nothing more will run, so a pending held() resolves. */
  end(): void {
    this.ended = true;
    for (const h of this.holders.splice(0)) h();
  }

  /** Resolves at once unless paused; an abort also releases it. */
  gate(signal?: AbortSignal): Promise<void> {
    if (!this.paused || signal?.aborted) return Promise.resolve();
    this.waiting = true;
    for (const h of this.holders.splice(0)) h();
    return new Promise<void>((resolve) => {
      this.waiters.push(resolve);
      signal?.addEventListener('abort', () => resolve(), { once: true });
    }).finally(() => (this.waiting = false));
  }
}

export class RlRun {
  readonly trainer: RlTrainer;
  readonly gate = new PauseGate();
  private readonly resumed?: RunResume;

  /** With `resume`, init.weights are the checkpoint's and the run goes on from resume.step to options.steps. */
  constructor(init: PolicyInit, options: RlOptions, testHooks?: TestHooks, resume?: RunResume) {
    this.trainer = new RlTrainer(init, options, testHooks, resume);
    this.resumed = resume;
  }

  pause(): void {
    this.gate.pause();
  }

  /** Resolves once a pause has taken hold (the step in flight, if any, has finished) or the run has ended. */
  paused(): Promise<void> {
    return this.gate.held();
  }

  resume(): void {
    this.gate.resume();
  }

  async run(hooks: RunHooks = {}): Promise<RunSummary> {
    this.gate.begin();
    try {
      return await this.loop(hooks);
    } finally {
      this.gate.end();
    }
  }

  private async loop(hooks: RunHooks): Promise<RunSummary> {
    const t = this.trainer;
    const o = t.options;
    const { signal } = hooks;
    const lines: RunLogLine[] = [];
    let nanAborts = 0;
    let initialAccuracy: number | null;
    let finalAccuracy: number | null;
    if (this.resumed) {
      // The starting model was scored by the original run (a resume does not have its weights).
      initialAccuracy = this.resumed.initialAccuracy;
      finalAccuracy = this.resumed.lastAccuracy ?? initialAccuracy;
    } else {
      hooks.onProgress?.(0, 'evaluating the starting model');
      initialAccuracy = await t.evaluate(signal);
      finalAccuracy = initialAccuracy;
    }
    hooks.onStart?.(initialAccuracy);
    while (t.step < o.steps) {
      await this.gate.gate(signal);
      if (signal?.aborted) break;
      const line = await t.trainStep(signal);
      if (!line) break;
      if (line.nan_abort) nanAborts++;
      if (o.evalProblems > 0 && (line.step % o.evalEvery === 0 || line.step === o.steps)) {
        const e0 = performance.now();
        const acc = await t.evaluate(signal);
        if (acc !== null) {
          line.heldout_accuracy = acc;
          line.time_ms.eval = Math.round((performance.now() - e0) * 10) / 10;
          finalAccuracy = acc;
        }
      }
      lines.push(line);
      hooks.onLine?.(line);
      hooks.onProgress?.(line.step / o.steps, `step ${line.step}/${o.steps}: reward ${line.mean_reward.toFixed(3)}`);
      await hooks.afterStep?.(line);
      await yieldToEventLoop();
    }
    return { steps: t.step, aborted: t.step < o.steps, nanAborts, initialAccuracy, finalAccuracy, lines };
  }

  dispose(): void {
    this.trainer.dispose();
  }
}
