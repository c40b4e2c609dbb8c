import { useId, useMemo, useState, type FormEvent } from 'react';
import { formatBytes } from '../../../core/hub/progress';
import { isInputError } from '../../../core/errors';
import { reportError } from '../../app/noticeStore';
import { loadModelChoice, switchBackend } from '../actions';
import { useModelStore } from '../modelStore';
import { applySuggestedPreset, fitOn, setHubEndpoint, setHubToken } from './hubActions';
import { useHubStore } from './hubStore';
import { hubChoiceOf } from './hubUrl';
import { SUGGESTED_MODELS } from './suggested';
import './hub.css';

/** Opens a model from the Hub by repo id; suggested models with their size; the way out of a Hub failure. */
export function HubPicker() {
  const inputId = useId();
  const ready = useModelStore((s) => s.engineStatus === 'ready');
  const loading = useModelStore((s) => s.loading !== null);
  const [text, setText] = useState('');
  const disabled = !ready || loading;

  // A suggested model (chosen from the list or typed) brings its prompt preset once it has opened.
  const open = (id: string) => {
    try {
      void loadModelChoice(hubChoiceOf(id)).then((ok) => ok && applySuggestedPreset(id));
    } catch (e) {
      if (isInputError(e)) reportError('Opening a Hub model', e);
      else throw e;
    }
  };
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (text.trim()) open(text.trim());
  };

  return (
    <div className="hub-picker">
      <form className="field" onSubmit={onSubmit}>
        <label className="field-label" htmlFor={inputId}>
          A model on the Hugging Face Hub
        </label>
        <div className="input-row">
          <input
            id={inputId}
            className="input"
            data-testid="hub-input"
            placeholder="Qwen/Qwen3-0.6B or ORG/NAME@revision"
            value={text}
            onChange={(e) => setText(e.target.value)}
            spellCheck={false}
            autoComplete="off"
          />
          <button type="submit" className="btn" data-testid="hub-load-button" disabled={disabled || !text.trim()}>
            Open
          </button>
        </div>
      </form>
      <HubProblemBox onRetry={open} />
      <SuggestedModels disabled={disabled} onOpen={open} />
      <EndpointSetting />
    </div>
  );
}

function HubProblemBox({ onRetry }: { onRetry(id: string): void }) {
  const problem = useHubStore((s) => s.problem);
  const backend = useModelStore((s) => s.backend?.name);
  const tokenId = useId();
  const [token, setToken] = useState('');
  if (!problem) return null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setHubToken(token);
    setToken('');
    onRetry(problem.refText);
  };
  return (
    <div
      className={`hub-problem hub-problem-${problem.kind}`}
      data-testid="hub-problem"
      data-kind={problem.kind}
      role="alert"
    >
      <p className="hub-problem-message">{problem.message}</p>
      {problem.kind === 'gated' && (
        <form className="field" onSubmit={submit}>
          {problem.pageUrl && (
            <p className="field-hint">
              Accept the terms on{' '}
              <a href={problem.pageUrl} target="_blank" rel="noopener noreferrer" data-testid="hub-model-page">
                the model page
              </a>
              , then paste an access token (read). It is kept in this tab’s memory only and sent to the Hub endpoint
              only.
            </p>
          )}
          <label className="field-label" htmlFor={tokenId}>
            Access token
          </label>
          <div className="input-row">
            <input
              id={tokenId}
              className="input"
              type="password"
              data-testid="hub-token-input"
              value={token}
              onChange={(e) => setToken(e.target.value)}
              autoComplete="off"
              placeholder="hf_…"
            />
            <button type="submit" className="btn" data-testid="hub-token-submit" disabled={!token.trim()}>
              Use token
            </button>
          </div>
        </form>
      )}
      {problem.kind === 'quota' && (
        <p className="field-hint">
          {problem.neededBytes ? `${formatBytes(problem.neededBytes)} are needed. ` : ''}Delete cached models below to
          make room.
        </p>
      )}
      {problem.kind === 'too-large' && backend !== 'wasm' && (
        <button
          type="button"
          className="btn btn-small"
          data-testid="hub-use-wasm"
          onClick={() => void switchBackend('wasm')}
        >
          Switch to wasm
        </button>
      )}
      {(problem.kind === 'interrupted' ||
        problem.kind === 'size-changed' ||
        problem.kind === 'checksum' ||
        problem.kind === 'network') && (
        <button
          type="button"
          className="btn btn-small"
          data-testid="hub-retry"
          onClick={() => onRetry(problem.refText)}
        >
          {problem.kind === 'interrupted' ? 'Resume' : 'Try again'}
        </button>
      )}
    </div>
  );
}

function SuggestedModels({ disabled, onOpen }: { disabled: boolean; onOpen(id: string): void }) {
  const backend = useModelStore((s) => s.backend?.name ?? 'wasm');
  const rows = useMemo(() => {
    const deviceMemoryGiB = (navigator as { deviceMemory?: number }).deviceMemory;
    // WebGPU limits are judged on load (they need an adapter); here only the memory is.
    return SUGGESTED_MODELS.map((m) => ({
      m,
      fit: fitOn(m.config, backend, {
        deviceMemoryGiB,
        maxStorageBufferBindingSize: Infinity,
        maxBufferSize: Infinity,
      }),
    }));
  }, [backend]);
  return (
    <details className="hub-suggested" data-testid="hub-suggested">
      <summary>Suggested models (download size · memory on {backend})</summary>
      <ul>
        {rows.map(({ m, fit }) => (
          <li key={m.id} className={fit.verdict.fits ? 'fits' : 'too-large'} title={fit.verdict.reason ?? m.note}>
            <button
              type="button"
              className="link-button"
              disabled={disabled}
              onClick={() => onOpen(m.id)}
              data-testid="hub-suggested-item"
              data-repo={m.id}
            >
              {m.id}
            </button>
            {m.gated && <span className="hub-tag">gated</span>}
            <span className="hub-sizes">
              ≈ {formatBytes(fit.estimate.diskBytes)} · {formatBytes(fit.estimate.totalBytes)}{' '}
              <span className="hub-fit">{fit.verdict.fits ? 'fits' : 'too large'}</span>
            </span>
            <span className="hub-note">{m.note}</span>
          </li>
        ))}
      </ul>
    </details>
  );
}

function EndpointSetting() {
  const endpoint = useHubStore((s) => s.endpoint);
  const id = useId();
  const [draft, setDraft] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const save = (e: FormEvent) => {
    e.preventDefault();
    try {
      setHubEndpoint(draft ?? endpoint);
      setDraft(null);
      setError(null);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <details className="hub-settings">
      <summary>Hub settings</summary>
      <form className="field" onSubmit={save}>
        <label className="field-label" htmlFor={id}>
          Endpoint (a mirror; also <code>?hub=URL</code>)
        </label>
        <div className="input-row">
          <input
            id={id}
            className="input"
            data-testid="hub-endpoint-input"
            value={draft ?? endpoint}
            onChange={(e) => setDraft(e.target.value)}
            spellCheck={false}
          />
          <button type="submit" className="btn btn-small" disabled={draft === null}>
            Save
          </button>
        </div>
        {error && <p className="field-hint hub-error">{error}</p>}
      </form>
    </details>
  );
}
