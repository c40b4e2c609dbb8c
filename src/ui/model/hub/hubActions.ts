/**
 * Hub actions on the page: the endpoint setting, the in-memory access token, the cache panel (list, delete,
 * storage estimate, persist) and the download of a revision into a worker model source. Downloads run on the
 * page (the cache and the Cancel button live here); the worker receives complete files only, so a failed or
 * cancelled download never touches the loaded model.
 */
import { backendBudget, checkFits, type DeviceFacts, type FitVerdict } from '../../../core/backend/limits';
import type { BackendName } from '../../../core/backend/rank';
import {
  CACHE_NAME,
  deleteCachedModel,
  listCachedModels,
  memoryCache,
  type CacheLike,
  type Manifest,
} from '../../../core/hub/cache';
import { HubError, isHubError } from '../../../core/hub/errors';
import { openHubModel } from '../../../core/hub/open';
import { describeTransfer } from '../../../core/hub/progress';
import { DEFAULT_ENDPOINT, formatRepoRef, normalizeEndpoint, type RepoRef } from '../../../core/hub/repo';
import { estimateMemory, type MemoryEstimate } from '../../../core/model/memory';
import type { ModelSource } from '../../../worker/protocol';
import { useNoticeStore } from '../../app/noticeStore';
import { persistDocument } from '../../analysis/actions';
import { useDocumentStore } from '../../prompt/documentStore';
import { suggestedFor } from './suggested';
import { useModelStore } from '../modelStore';
import { ENDPOINT_KEY, useHubStore } from './hubStore';

/** The longest sequence memory is judged at (the workbench's analyses stay below it). */
export const WORKBENCH_CONTEXT = 1024;

// The access token: memory only (never stored, never in the URL), sent only to the endpoint's origin.
let token: string | undefined;

export function setHubToken(value: string | undefined): void {
  token = value?.trim() || undefined;
  useHubStore.setState({ hasToken: token !== undefined });
}

/** `?hub=URL` wins over the saved setting; a bad value is reported and the default kept. */
export function initHubEndpoint(param?: string): string | undefined {
  let saved: string | null = null;
  try {
    saved = localStorage.getItem(ENDPOINT_KEY);
  } catch {
    // storage blocked: the default stands
  }
  for (const candidate of [param, saved]) {
    if (!candidate) continue;
    try {
      useHubStore.setState({ endpoint: normalizeEndpoint(candidate) });
      return undefined;
    } catch (e) {
      if (candidate === param) return (e as Error).message;
    }
  }
  return undefined;
}

/** Settings: a mirror's URL (saved for the next visit), or empty for the default. */
export function setHubEndpoint(url: string): void {
  const endpoint = url.trim() ? normalizeEndpoint(url) : DEFAULT_ENDPOINT;
  useHubStore.setState({ endpoint });
  try {
    if (endpoint === DEFAULT_ENDPOINT) localStorage.removeItem(ENDPOINT_KEY);
    else localStorage.setItem(ENDPOINT_KEY, endpoint);
  } catch {
    // not saved; it still applies now
  }
}

let fallbackCache: CacheLike | undefined;

/** The Cache Storage bucket; an in-memory stand-in where the page has no Cache API (insecure origins). */
export async function hubCache(): Promise<CacheLike> {
  if (typeof caches !== 'undefined') {
    const c = await caches.open(CACHE_NAME);
    return c as unknown as CacheLike;
  }
  return (fallbackCache ??= memoryCache());
}

export async function refreshCachedModels(): Promise<void> {
  const cached = await listCachedModels(await hubCache()).catch(() => []);
  const storage = navigator.storage;
  const est = await storage?.estimate?.().catch(() => undefined);
  const persisted = await storage?.persisted?.().catch(() => undefined);
  useHubStore.setState({ cached, storage: { usage: est?.usage, quota: est?.quota, persisted } });
}

export async function deleteCachedHubModel(m: Manifest): Promise<void> {
  await deleteCachedModel(await hubCache(), m.endpoint, { repo: m.repo, revision: m.revision });
  const problem = useHubStore.getState().problem;
  if (problem?.kind === 'quota') useHubStore.setState({ problem: null });
  await refreshCachedModels();
}

/** Asks the browser not to evict the cache under storage pressure (it may say no). */
export async function requestPersist(): Promise<void> {
  await navigator.storage?.persist?.().catch(() => false);
  await refreshCachedModels();
}

let adapterLimits: Promise<DeviceFacts> | undefined;

/** What the machine says of itself: memory, and the WebGPU adapter's buffer limits when WebGPU runs. */
export async function deviceFacts(backend: BackendName): Promise<DeviceFacts> {
  const deviceMemoryGiB = (navigator as { deviceMemory?: number }).deviceMemory;
  if (backend !== 'webgpu') return { deviceMemoryGiB };
  adapterLimits ??= (async () => {
    const gpu = (navigator as { gpu?: { requestAdapter(): Promise<{ limits: Record<string, number> } | null> } }).gpu;
    const adapter = await gpu?.requestAdapter().catch(() => null);
    return {
      maxStorageBufferBindingSize: adapter?.limits.maxStorageBufferBindingSize,
      maxBufferSize: adapter?.limits.maxBufferSize,
    };
  })();
  return { deviceMemoryGiB, ...(await adapterLimits) };
}

export interface Fit {
  estimate: MemoryEstimate;
  verdict: FitVerdict;
}

export function fitOn(config: Record<string, unknown>, backend: BackendName, facts: DeviceFacts): Fit {
  const estimate = estimateMemory(config, backend, WORKBENCH_CONTEXT);
  return { estimate, verdict: checkFits(estimate, backendBudget(backend, facts)) };
}

export interface HubChoice {
  ref: RepoRef;
  endpoint: string;
}

export interface SourceContext {
  signal: AbortSignal;
  onProgress(fraction: number, message: string): void;
}

/** Downloads (or reads from the cache) a revision and hands it over as in-memory files. */
export async function hubModelSource(choice: HubChoice, ctx: SourceContext): Promise<ModelSource> {
  const backend = useModelStore.getState().backend?.name ?? 'wasm';
  const facts = await deviceFacts(backend);
  const refText = formatRepoRef(choice.ref);
  let config: Record<string, unknown> | null = null;
  useHubStore.setState({ problem: null });
  void navigator.storage?.persist?.().catch(() => false);
  try {
    const opened = await openHubModel({
      endpoint: choice.endpoint,
      ref: choice.ref,
      cache: await hubCache(),
      token,
      signal: ctx.signal,
      storageEstimate: navigator.storage?.estimate ? () => navigator.storage.estimate() : undefined,
      checkConfig: (c) => {
        config = c;
        const { verdict } = fitOn(c, backend, facts);
        if (!verdict.fits)
          throw new HubError('too-large', `${refText} does not fit: ${verdict.reason}`, { file: 'config.json' });
      },
      onProgress: (p) => ctx.onProgress(p.total ? 0.8 * (p.received / p.total) : 0, describeTransfer(p)),
    });
    const files: Record<string, ArrayBuffer> = {};
    for (const [path, bytes] of Object.entries(opened.files)) {
      const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
      files[path] = (own ? bytes : bytes.slice()).buffer as ArrayBuffer;
    }
    pendingConfig = config;
    // The cache writes finish in the background; the panel lists the model once they have.
    void opened.saved.then((why) => {
      if (why)
        useNoticeStore
          .getState()
          .push('warning', `Keeping ${refText} for offline use`, `not kept (${why}); a reload downloads it again`);
      void refreshCachedModels();
    });
    return { kind: 'files', name: opened.name, files };
  } catch (e) {
    if (isHubError(e)) {
      useHubStore.setState({
        problem: {
          kind: e.kind,
          message: e.message,
          refText,
          pageUrl: e.details.pageUrl,
          neededBytes: e.details.neededBytes,
        },
      });
    }
    throw e;
  } finally {
    void refreshCachedModels();
  }
}

// config.json of the model being loaded; it becomes the panel's once the worker has the model.
let pendingConfig: Record<string, unknown> | null = null;

/** After a load: the Hub model's config for the facts panel (null for any other source). */
export function settleHubConfig(isHub: boolean): void {
  useHubStore.setState({ config: isHub ? pendingConfig : null });
  pendingConfig = null;
}

/**
 * After a suggested model has opened: its prompt preset in the prompt box (text, chat template and thinking). Returns whether `repoId` named a suggested model.
 */
export function applySuggestedPreset(repoId: string): boolean {
  const preset = suggestedFor(repoId)?.preset;
  if (!preset) return false;
  useDocumentStore.setState({ prompt: preset.prompt, chat: { ...preset.chat }, verdict: null });
  persistDocument();
  return true;
}
