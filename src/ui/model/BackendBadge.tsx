import { useModelStore } from './modelStore';
import './backend.css';

/** The active tfjs backend, exactly as tf.getBackend() names it; the reason it was chosen is the tooltip. */
export function BackendBadge() {
  const backend = useModelStore((s) => s.backend);
  const status = useModelStore((s) => s.engineStatus);
  if (!backend) {
    const text = status === 'failed' ? 'no backend' : 'starting…';
    return (
      <span className={`badge badge-${status}`} data-testid="backend-badge" title="The compute backend is starting">
        <span className="badge-dot" aria-hidden="true" />
        {text}
      </span>
    );
  }
  const fellBack = backend.requested !== 'auto' && backend.requested !== backend.name;
  const title = [
    `Backend: ${backend.name}`,
    backend.reason,
    ...backend.attempts.filter((a) => !a.ok).map((a) => `${a.name}: ${a.note}`),
  ]
    .filter(Boolean)
    .join('\n');
  return (
    <span
      className={`badge badge-${fellBack ? 'fallback' : 'ready'}`}
      data-testid="backend-badge"
      data-backend={backend.name}
      data-threads={backend.threads}
      title={backend.threads !== undefined ? `${title}\n${threadsWords(backend.threads)}` : title}
      aria-label={`Compute backend ${backend.name}. ${backend.reason}`}
    >
      <span className="badge-dot" aria-hidden="true" />
      {backend.name}
      {/* Only when the app runs on it: a fallback adapter that auto ranked below wasm is in the title, not the header. */}
      {backend.fallbackAdapter && backend.name === 'webgpu' ? (
        <span className="badge-note">fallback adapter</span>
      ) : null}
      {backend.threads !== undefined ? (
        <span className="badge-note" data-testid="backend-threads">
          {backend.threads > 1 ? `threads on (${backend.threads})` : 'threads off'}
        </span>
      ) : null}
    </span>
  );
}

/** wasm runs threaded only on a cross-origin-isolated page (COOP + COEP headers, docs/hub.md). */
function threadsWords(threads: number): string {
  if (threads > 1) return `${threads} threads (cross-origin isolated)`;
  return (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated
    ? '1 thread (asked for one)'
    : '1 thread: the page is not cross-origin isolated, so wasm cannot share memory between threads';
}

/** Shown when the requested backend could not be used: which one runs instead, and why. */
export function BackendFallbackNote() {
  const backend = useModelStore((s) => s.backend);
  if (!backend || backend.requested === 'auto' || backend.requested === backend.name) return null;
  const failed = backend.attempts.find((a) => a.name === backend.requested && !a.ok);
  return (
    <p className="fallback-note" data-testid="backend-fallback-note" role="status">
      <strong>{backend.requested} is not available here</strong>
      {failed?.note ? `: ${failed.note.replace(/\.$/, '')}` : ''}. Running on <strong>{backend.name}</strong> instead.
    </p>
  );
}
