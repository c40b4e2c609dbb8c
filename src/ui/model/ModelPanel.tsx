import { useId, useState, type FormEvent } from 'react';
import { cancelModelLoad, loadModelChoice } from './actions';
import { choiceLabel, type ModelChoice } from './catalog';
import { DropZone } from './DropZone';
import { modelFactRows } from './facts';
import { CachedModels } from './hub/CachedModels';
import { HubPicker } from './hub/HubPicker';
import { useHubStore } from './hub/hubStore';
import { useModelStore } from './modelStore';
import './model.css';
import { ProgressBar } from '../app/ProgressBar';

/** The loaded model's facts and the other sources (the Hub, a URL, a local folder or a .zip of one: picker or drop). */
export function ModelPanel() {
  return (
    <section className="card model-panel" aria-labelledby="model-panel-title">
      <h2 className="card-title" id="model-panel-title">
        Model
      </h2>
      <ModelFacts />
      <ModelPicker />
    </section>
  );
}

function ModelPicker() {
  const urlId = useId();
  const ready = useModelStore((s) => s.engineStatus === 'ready');
  const loading = useModelStore((s) => s.loading !== null);
  const [url, setUrl] = useState('');

  const onUrl = (e: FormEvent) => {
    e.preventDefault();
    if (url.trim()) void loadModelChoice({ kind: 'url', url: url.trim() });
  };
  const onFolder = (files: FileList | null) => {
    if (!files || files.length === 0) return;
    const list = Array.from(files);
    const name = list[0].webkitRelativePath.split('/')[0] || 'local model';
    const folder: ModelChoice = { kind: 'folder', name, files: list };
    void loadModelChoice(folder);
  };

  return (
    <div className="model-picker">
      <HubPicker />
      <form className="field" onSubmit={onUrl}>
        <label className="field-label" htmlFor={urlId}>
          A model folder URL
        </label>
        <div className="input-row">
          <input
            id={urlId}
            className="input"
            data-testid="model-url-input"
            placeholder="/models/my-gpt2/"
            value={url}
            onChange={(e) => setUrl(e.target.value)}
            spellCheck={false}
          />
          <button
            type="submit"
            className="btn"
            data-testid="model-url-load"
            disabled={!ready || loading || !url.trim()}
          >
            Load
          </button>
        </div>
      </form>

      <div className="field">
        <span className="field-label">A folder on this computer, or a .zip of one</span>
        <div className="file-buttons">
          <label className={`btn btn-file${!ready || loading ? ' is-disabled' : ''}`}>
            Open folder…
            <input
              type="file"
              className="visually-hidden"
              data-testid="model-folder-input"
              disabled={!ready || loading}
              // Non-standard but supported by Chromium, Firefox and Safari: pick a whole folder.
              {...{ webkitdirectory: '', directory: '' }}
              multiple
              onChange={(e) => {
                onFolder(e.target.files);
                e.target.value = '';
              }}
            />
          </label>
          <label className={`btn btn-file${!ready || loading ? ' is-disabled' : ''}`}>
            Open .zip…
            <input
              type="file"
              className="visually-hidden"
              data-testid="model-zip-input"
              accept=".zip,application/zip"
              disabled={!ready || loading}
              onChange={(e) => {
                const file = e.target.files?.[0];
                e.target.value = '';
                if (file) void loadModelChoice({ kind: 'zip', file });
              }}
            />
          </label>
        </div>
        <DropZone disabled={!ready || loading} />
      </div>
      <CachedModels />
    </div>
  );
}

export function LoadProgress() {
  const loading = useModelStore((s) => s.loading);
  const starting = useModelStore((s) => s.engineStatus === 'starting');
  if (!loading && !starting) return null;
  const fraction = loading ? Math.max(0, Math.min(1, loading.fraction)) : 0;
  const message = loading ? `${loading.label}: ${loading.message}` : 'Starting the compute backend…';
  return (
    <div className="load-progress" data-testid="load-progress">
      <div className="load-progress-head">
        <span className="load-progress-message">{message}</span>
        {loading && (
          <button type="button" className="btn btn-small" onClick={cancelModelLoad} data-testid="load-cancel">
            Cancel
          </button>
        )}
      </div>
      <ProgressBar label="Model load progress" fraction={loading ? fraction : null} />
    </div>
  );
}

function ModelFacts() {
  const info = useModelStore((s) => s.info);
  const backend = useModelStore((s) => s.backend?.name ?? null);
  const config = useHubStore((s) => s.config);
  if (!info) return <p className="model-empty">No model loaded yet.</p>;
  const facts = modelFactRows(info, config, backend);
  return (
    <div className="model-facts" data-testid="model-facts">
      <h3 className="model-facts-name">{info.name}</h3>
      <dl>
        {facts.map(([k, v]) => (
          <div className="fact" key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
      {info.files.length > 0 && <p className="model-files">{info.files.join(' · ')}</p>}
    </div>
  );
}

/** The built-in models (header): the best one found is loaded at start-up. */
export function BuiltinModelSelect() {
  const id = useId();
  const choice = useModelStore((s) => s.choice);
  const ready = useModelStore((s) => s.engineStatus === 'ready');
  const loading = useModelStore((s) => s.loading !== null);
  const catalog = useModelStore((s) => s.catalog);
  const selected = choice?.kind === 'catalog' ? choice.id : '';
  const onPick = (value: string) => {
    const entry = catalog.find((c) => c.id === value);
    if (entry) void loadModelChoice({ kind: 'catalog', id: entry.id, url: entry.url, files: entry.files });
  };
  return (
    <span className="header-picker">
      <label className="header-label" htmlFor={id}>
        Model
      </label>
      <select
        id={id}
        className="select"
        data-testid="model-picker"
        value={selected}
        disabled={!ready || loading}
        title={catalog.find((c) => c.id === selected)?.note ?? ''}
        onChange={(e) => onPick(e.target.value)}
      >
        {selected === '' && <option value="">{choice ? choiceLabel(choice) : 'Choose a model…'}</option>}
        {catalog.map((c) => (
          <option key={c.id} value={c.id}>
            {c.label}
          </option>
        ))}
      </select>
    </span>
  );
}
