/**
 * The worker side of the protocol, independent of what the operations do: it dispatches calls to
 * handlers, gives each call an AbortSignal, progress and stream callbacks, and answers with exactly
 * one result or error. Kept free of tfjs so it can be tested in Node with a fake port.
 */
import {
  toWireError,
  transferablesOf,
  type Operations,
  type ParamsOf,
  type RequestOf,
  type ResultOf,
  type StreamOf,
  type WorkerRequest,
  type WorkerResponse,
} from './protocol';

export interface CallContext<K extends keyof Ops, Ops = Operations> {
  signal: AbortSignal;
  progress(fraction: number, message: string): void;
  emit(event: StreamOf<K, Ops>): void;
}

export type Handler<K extends keyof Ops, Ops = Operations> = (
  params: ParamsOf<K, Ops>,
  ctx: CallContext<K, Ops>,
) => Promise<ResultOf<K, Ops>>;
export type Handlers<Ops = Operations> = { [K in keyof Ops]: Handler<K, Ops> };

/** The minimal surface of a worker's global scope (or one end of a MessageChannel). */
export interface HostPort {
  postMessage(message: WorkerResponse, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (ev: MessageEvent<WorkerRequest>) => void): void;
}

/**
 * Calls run one after another (the model and backend are shared state), except `cancel`, which is
 * handled at once: a queued call that is cancelled answers with an AbortError without running.
 */
export interface HostOptions<Ops> {
  /** Operations that run at once, beside the queue (e.g. pause/resume of a long training call). */
  immediate?: (keyof Ops)[];
}

export function startHost<Ops = Operations>(
  port: HostPort,
  handlers: Handlers<Ops>,
  options: HostOptions<Ops> = {},
): void {
  const controllers = new Map<number, AbortController>();
  let queue: Promise<void> = Promise.resolve();

  const post = (msg: WorkerResponse) => {
    const transfer = msg.kind === 'result' ? transferablesOf(msg.result) : [];
    port.postMessage(msg, transfer);
  };

  const immediate = new Set<keyof Ops>(options.immediate ?? []);
  const run = async (req: Extract<RequestOf<Ops>, { kind: 'call' }>) => {
    const controller = controllers.get(req.id)!;
    try {
      controller.signal.throwIfAborted();
      const handler = handlers[req.op as keyof Ops] as Handler<keyof Ops, Ops>;
      if (!handler) throw new Error(`Unknown operation "${String(req.op)}"`);
      const result = await handler(req.params as never, {
        signal: controller.signal,
        progress: (fraction, message) => post({ kind: 'progress', id: req.id, fraction, message }),
        emit: (event) => post({ kind: 'stream', id: req.id, event }),
      });
      post({ kind: 'result', id: req.id, result });
    } catch (e) {
      post({ kind: 'error', id: req.id, error: toWireError(e) });
    } finally {
      controllers.delete(req.id);
    }
  };

  port.addEventListener('message', (ev) => {
    const req = ev.data as unknown as RequestOf<Ops>;
    if (req.kind === 'cancel') {
      controllers.get(req.id)?.abort(new DOMException('Cancelled', 'AbortError'));
      return;
    }
    controllers.set(req.id, new AbortController());
    if (immediate.has(req.op as keyof Ops)) void run(req);
    else queue = queue.then(() => run(req));
  });
  port.postMessage({ kind: 'ready' });
}
