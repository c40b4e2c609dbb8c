/**
 * The page side of the protocol: promise-based calls with progress and stream callbacks, and
 * cancellation through an AbortSignal (or the returned handle's cancel()).
 */
import {
  WorkerError,
  transferablesOf,
  type Operations,
  type ParamsOf,
  type RequestOf,
  type ResultOf,
  type StreamOf,
  type WorkerRequest,
  type WorkerResponse,
} from './protocol';

export interface CallOptions<K extends keyof Ops, Ops = Operations> {
  onProgress?: (fraction: number, message: string) => void;
  onStream?: (event: StreamOf<K, Ops>) => void;
  signal?: AbortSignal;
}

/** A Worker, or one end of a MessageChannel in tests. */
export interface ClientPort {
  postMessage(message: WorkerRequest, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (ev: MessageEvent<WorkerResponse>) => void): void;
  addEventListener(type: 'error', listener: (ev: ErrorEvent) => void): void;
  terminate?(): void;
}

interface Pending {
  resolve(v: unknown): void;
  reject(e: unknown): void;
  onProgress?: (fraction: number, message: string) => void;
  onStream?: (event: never) => void;
}

/** `Ops`: the worker's operation table (the engine's by default; the training worker has its own). */
export class EngineClient<Ops = Operations> {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private closed: Error | null = null;

  constructor(private readonly port: ClientPort) {
    port.addEventListener('message', (ev: MessageEvent<WorkerResponse>) => this.onMessage(ev.data));
    // A worker that fails to load (syntax error, missing chunk) fails every call instead of hanging.
    port.addEventListener('error', (ev: ErrorEvent) => {
      this.failAll(new Error(`Engine worker failed: ${ev.message || 'could not start'}`));
    });
  }

  /** Starts the app's worker (Vite bundles it as an ES module worker). */
  static spawn(): EngineClient<Operations> {
    const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'rhythmscope-engine' });
    return new EngineClient(worker);
  }

  call<K extends keyof Ops & string>(
    op: K,
    params: ParamsOf<K, Ops>,
    opts: CallOptions<K, Ops> = {},
  ): Promise<ResultOf<K, Ops>> {
    if (this.closed) return Promise.reject(this.closed);
    const id = this.nextId++;
    const { signal } = opts;
    if (signal?.aborted) return Promise.reject(new DOMException('Cancelled', 'AbortError'));
    return new Promise<ResultOf<K, Ops>>((resolve, reject) => {
      const onAbort = () => this.port.postMessage({ kind: 'cancel', id });
      signal?.addEventListener('abort', onAbort, { once: true });
      const cleanup = () => signal?.removeEventListener('abort', onAbort);
      this.pending.set(id, {
        resolve: (v) => {
          cleanup();
          resolve(v as ResultOf<K, Ops>);
        },
        reject: (e) => {
          cleanup();
          reject(e);
        },
        onProgress: opts.onProgress,
        onStream: opts.onStream as ((event: never) => void) | undefined,
      });
      const msg = { kind: 'call', id, op, params } as RequestOf<Ops>;
      this.port.postMessage(msg as unknown as WorkerRequest, transferablesOf(params));
    });
  }

  /** Stops the worker; pending calls reject with an AbortError (a deliberate stop, not a failure). */
  terminate(): void {
    this.port.terminate?.();
    this.failAll(new DOMException('Engine worker stopped', 'AbortError'));
  }

  private failAll(error: Error) {
    if (this.closed) return;
    this.closed = error;
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
  }

  private onMessage(msg: WorkerResponse) {
    if (msg.kind === 'ready') return;
    const p = this.pending.get(msg.id);
    if (!p) return; // a late event for a call that already settled
    switch (msg.kind) {
      case 'progress':
        p.onProgress?.(msg.fraction, msg.message);
        break;
      case 'stream':
        p.onStream?.(msg.event as never);
        break;
      case 'result':
        this.pending.delete(msg.id);
        p.resolve(msg.result);
        break;
      case 'error':
        this.pending.delete(msg.id);
        p.reject(new WorkerError(msg.error));
        break;
    }
  }
}
