import { useId } from 'react';
import { withParam, BACKEND_CHOICES, type BackendChoice } from '../app/urlParams';
import { switchBackend } from './actions';
import { useModelStore } from './modelStore';

/** Backend override; the choice is mirrored into the URL (?backend=...) so a reload keeps it. */
export function BackendSelect() {
  const id = useId();
  const choice = useModelStore((s) => s.backendChoice);
  const busy = useModelStore((s) => s.engineStatus === 'starting' || s.loading !== null);
  const onChange = (value: BackendChoice) => {
    const url = withParam(window.location.href, 'backend', value === 'auto' ? undefined : value);
    window.history.replaceState(null, '', url);
    void switchBackend(value);
  };
  return (
    <div className="backend-select">
      <label htmlFor={id} className="header-label">
        Backend
      </label>
      <select
        id={id}
        className="select select-compact"
        data-testid="backend-select"
        value={choice}
        disabled={busy}
        onChange={(e) => onChange(e.target.value as BackendChoice)}
      >
        {BACKEND_CHOICES.map((b) => (
          <option key={b} value={b}>
            {b}
          </option>
        ))}
      </select>
    </div>
  );
}
