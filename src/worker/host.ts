/**
 * The worker side of the protocol, independent of what the operations do: it dispatches calls to
 * handlers, gives each call an AbortSignal, progress and stream callbacks, and answers with exactly
 * one result or error. Kept free of tfjs so it can be tested in Node with a fake port.
 */
import {
  toWireError,
  transferablesOf,
  type OperationName,
  type ParamsOf,
  type ResultOf,
  type StreamOf,
  type WorkerRequest,
  type WorkerResponse,
} from './protocol';

export interface CallContext<K extends OperationName> {
  signal: AbortSignal;
  progress(fraction: number, message: string): void;
  emit(event: StreamOf<K>): void;
}

export type Handler<K extends OperationName> = (params: ParamsOf<K>, ctx: CallContext<K>) => Promise<ResultOf<K>>;
export type Handlers = { [K in OperationName]: Handler<K> };

/** The minimal surface of a worker's global scope (or one end of a MessageChannel). */
export interface HostPort {
  postMessage(message: WorkerResponse, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (ev: MessageEvent<WorkerRequest>) => void): void;
}

/**
 * Calls run one after another (the model and backend are shared state), except `cancel`, which is
 * handled at once: a queued call that is cancelled answers with an AbortError without running.
 */
export function startHost(port: HostPort, handlers: Handlers): void {
  const controllers = new Map<number, AbortController>();
  let queue: Promise<void> = Promise.resolve();

  const post = (msg: WorkerResponse) => {
    const transfer = msg.kind === 'result' ? transferablesOf(msg.result) : [];
    port.postMessage(msg, transfer);
  };

  const run = async (req: Extract<WorkerRequest, { kind: 'call' }>) => {
    const controller = controllers.get(req.id)!;
    try {
      controller.signal.throwIfAborted();
      const handler = handlers[req.op] as Handler<OperationName>;
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
    const req = ev.data;
    if (req.kind === 'cancel') {
      controllers.get(req.id)?.abort(new DOMException('Cancelled', 'AbortError'));
      return;
    }
    controllers.set(req.id, new AbortController());
    queue = queue.then(() => run(req));
  });
  port.postMessage({ kind: 'ready' });
}
