import { useEffect } from 'react';
import { manifestBytes } from '../../../core/hub/cache';
import { formatBytes } from '../../../core/hub/progress';
import { DEFAULT_ENDPOINT, formatRepoRef } from '../../../core/hub/repo';
import { loadModelChoice } from '../actions';
import { useModelStore } from '../modelStore';
import { deleteCachedHubModel, refreshCachedModels, requestPersist } from './hubActions';
import { useHubStore } from './hubStore';

/** Hub models in the browser's cache: open, delete, and how much of the origin's storage is used. */
export function CachedModels() {
  const cached = useHubStore((s) => s.cached);
  const storage = useHubStore((s) => s.storage);
  const busy = useModelStore((s) => s.engineStatus !== 'ready' || s.loading !== null);
  useEffect(() => {
    void refreshCachedModels();
  }, []);
  return (
    <div className="cached-models" data-testid="cached-models">
      <div className="cached-head">
        <span className="field-label">Cached Hub models</span>
        <span className="cached-storage" data-testid="storage-estimate">
          {storage.usage !== undefined && storage.quota !== undefined
            ? `${formatBytes(storage.usage)} used of ${formatBytes(storage.quota)}`
            : 'storage estimate unavailable'}
          {storage.persisted === true ? ' · kept' : ''}
        </span>
      </div>
      {cached.length === 0 ? (
        <p className="field-hint">None yet: a model opened from the Hub stays here and opens without the network.</p>
      ) : (
        <ul>
          {cached.map((m) => {
            const ref = { repo: m.repo, revision: m.revision };
            const name = formatRepoRef(ref);
            return (
              <li key={`${m.endpoint} ${name}`} data-testid="cached-model" data-repo={name}>
                <span className="cached-name" title={m.endpoint}>
                  {name}
                  {m.endpoint !== DEFAULT_ENDPOINT && <span className="hub-note"> ({new URL(m.endpoint).host})</span>}
                </span>
                <span className="hub-sizes">{formatBytes(manifestBytes(m))}</span>
                <button
                  type="button"
                  className="btn btn-small"
                  disabled={busy}
                  data-testid="cached-model-open"
                  onClick={() => void loadModelChoice({ kind: 'hub', ref, endpoint: m.endpoint })}
                >
                  Open
                </button>
                <button
                  type="button"
                  className="btn btn-small"
                  disabled={busy}
                  data-testid="cached-model-delete"
                  onClick={() => void deleteCachedHubModel(m)}
                  aria-label={`Delete ${name} from the cache`}
                >
                  Delete
                </button>
              </li>
            );
          })}
        </ul>
      )}
      {storage.persisted === false && (
        <button
          type="button"
          className="link-button"
          onClick={() => void requestPersist()}
          data-testid="storage-persist"
        >
          Ask the browser to keep the cache
        </button>
      )}
    </div>
  );
}
