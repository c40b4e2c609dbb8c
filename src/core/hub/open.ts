/**
 * Opens a Hub model revision into memory: config.json first (the family and the size are judged before any
 * weight is fetched), the tokenizer and chat-template files, then the weights listed by
 * model.safetensors.index.json (or model.safetensors). Every file goes through the cache; once all are there a
 * manifest records them, and the next open reads the cache alone (no network). Nothing here touches the loaded
 * model: the caller swaps models only when the bytes are complete and the worker has built the new one.
 */
import { SUPPORTED_MODEL_TYPES, dtypeBytes, modelShape, paramCount } from '../model/memory';
import { manifestBytes, readManifest, writeManifest, type CacheLike, type Manifest } from './cache';
import { downloadFile, type Downloaded } from './download';
import { workerSink, type FileSink, type SinkOptions } from './file-sink';
import { HubError } from './errors';
import { RateMeter, etaSeconds, type TransferStatus } from './progress';
import { formatRepoRef, modelPageUrl, normalizeEndpoint, resolveUrl, type RepoRef } from './repo';

export const CONFIG_FILE = 'config.json';
export const INDEX_FILE = 'model.safetensors.index.json';
export const SINGLE_WEIGHTS = 'model.safetensors';
/** Read when the repo has them; a 404 is fine. char_vocab.json only where there is no tokenizer.json. */
export const OPTIONAL_FILES = [
  'tokenizer.json',
  'tokenizer_config.json',
  'chat_template.jinja',
  'generation_config.json',
];

export interface OpenHubOptions {
  endpoint: string;
  ref: RepoRef;
  cache: CacheLike;
  fetchFn?: typeof fetch;
  token?: string;
  signal?: AbortSignal;
  onProgress?: (p: TransferStatus) => void;
  /** Judges config.json before the weights are fetched (memory on the chosen backend); throws to refuse. */
  checkConfig?: (config: Record<string, unknown>) => void;
  /** Room left in the origin's storage (navigator.storage.estimate), to refuse a download that cannot be kept. */
  storageEstimate?: () => Promise<{ quota?: number; usage?: number }>;
  now?: () => number;
  /** At most one progress report per this many ms (the last bytes of a file are always reported); default 100. */
  progressIntervalMs?: number;
  /** Where a file is gathered and hashed while it arrives; default a worker per big file where workers exist. */
  newSink?: (opts: SinkOptions) => FileSink;
}

export interface OpenedHubModel {
  /** `ORG/NAME` or `ORG/NAME@REV`: the model's name in the workbench. */
  name: string;
  files: Record<string, Uint8Array>;
  manifest: Manifest;
  /** Network bytes read (0 when everything came from the cache). */
  fetched: number;
  /**
   * The downloaded files' cache writes, which finish after the model is returned; then the manifest is written.
   * Resolves undefined once the revision is kept for offline use, or why it could not be (a reload then
   * downloads again); never rejects.
   */
  saved: Promise<string | undefined>;
}

/** Refuses a family the workbench cannot compute, by name (before anything large is fetched). */
export function checkFamily(config: Record<string, unknown>): void {
  const type = config.model_type;
  if (!(SUPPORTED_MODEL_TYPES as readonly unknown[]).includes(type)) {
    throw new HubError(
      'unsupported',
      `model_type ${JSON.stringify(type)} is not supported (supported: ${SUPPORTED_MODEL_TYPES.join(', ')})`,
      {
        file: CONFIG_FILE,
        field: 'model_type',
      },
    );
  }
}

function parseJson(bytes: Uint8Array, file: string): Record<string, unknown> {
  try {
    const v = JSON.parse(new TextDecoder().decode(bytes)) as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new HubError('http', 'not a JSON object (is the endpoint a Hub?)', { file });
}

/** The shard files an index names, in order, and the total size it gives. */
export function shardsOfIndex(index: Record<string, unknown>): { shards: string[]; totalSize?: number } {
  const map = index.weight_map;
  if (!map || typeof map !== 'object')
    throw new HubError('http', 'no "weight_map" object', { file: INDEX_FILE, field: 'weight_map' });
  const shards = [...new Set(Object.values(map as Record<string, unknown>).map(String))].sort();
  const total = (index.metadata as { total_size?: unknown } | undefined)?.total_size;
  return { shards, totalSize: typeof total === 'number' ? total : undefined };
}

export async function openHubModel(opts: OpenHubOptions): Promise<OpenedHubModel> {
  const endpoint = normalizeEndpoint(opts.endpoint);
  const { ref, cache } = opts;
  const now = opts.now ?? (() => performance.now());
  const label = formatRepoRef(ref);
  const meter = new RateMeter();
  const interval = opts.progressIntervalMs ?? 100;
  let lastReport = -Infinity;
  const writes: Promise<string | undefined>[] = [];
  let heldBefore = 0; // bytes of finished files
  let fetchedBefore = 0;
  let expectedTotal: number | undefined;
  const files: Record<string, Uint8Array> = {};
  const manifestFiles: Manifest['files'] = [];

  const get = async (file: string, optional = false): Promise<Downloaded | undefined> => {
    const got = await downloadFile({
      url: resolveUrl(endpoint, ref, file),
      file,
      revisionLabel: `${label}${label.includes('@') ? '' : '@main'}`,
      cache,
      fetchFn: opts.fetchFn,
      token: opts.token,
      tokenOrigin: endpoint,
      pageUrl: modelPageUrl(endpoint, ref),
      signal: opts.signal,
      optional,
      newSink: opts.newSink ?? workerSink,
      onProgress: (p) => {
        const t = now();
        // A report per network chunk (~64 kB) would re-render the page thousands of times per file.
        if (t - lastReport < interval && p.received !== p.total) return;
        lastReport = t;
        meter.add(t, fetchedBefore + p.fetched);
        const rate = meter.rate();
        const received = heldBefore + p.received;
        const total = expectedTotal !== undefined ? Math.max(expectedTotal, received) : undefined;
        opts.onProgress?.({
          file,
          fileReceived: p.received,
          fileTotal: p.total,
          fromCache: p.fromCache,
          received,
          total,
          rate,
          fileEtaS: p.total !== undefined ? etaSeconds(p.total - p.received, rate) : undefined,
          etaS: total !== undefined ? etaSeconds(total - received, rate) : undefined,
        });
      },
    });
    if (got) {
      writes.push(got.stored.then((why) => why && `${file}: ${why}`));
      files[file] = got.bytes;
      manifestFiles.push({ path: file, size: got.bytes.length, sha256: got.sha256 });
      heldBefore += got.bytes.length;
      fetchedBefore += got.fetched;
    }
    return got;
  };

  const cached = await readManifest(cache, endpoint, ref);
  if (cached) {
    expectedTotal = manifestBytes(cached);
    // The config is judged again: the backend may have changed since the download.
    const config = parseJson((await get(CONFIG_FILE))!.bytes, CONFIG_FILE);
    checkFamily(config);
    opts.checkConfig?.(config);
    for (const f of cached.files) if (f.path !== CONFIG_FILE) await get(f.path);
    return { name: label, files, manifest: cached, fetched: fetchedBefore, saved: Promise.resolve(undefined) };
  }

  const config = parseJson((await get(CONFIG_FILE))!.bytes, CONFIG_FILE);
  checkFamily(config);
  opts.checkConfig?.(config);
  const absent: string[] = [];
  for (const f of OPTIONAL_FILES) if (!(await get(f, true))) absent.push(f);
  if (absent.includes('tokenizer.json') && !(await get('char_vocab.json', true))) absent.push('char_vocab.json');

  const index = await get(INDEX_FILE, true);
  let weights: string[];
  let weightBytes: number | undefined;
  if (index) {
    const { shards, totalSize } = shardsOfIndex(parseJson(index.bytes, INDEX_FILE));
    weights = shards;
    weightBytes = totalSize;
  } else {
    absent.push(INDEX_FILE);
    weights = [SINGLE_WEIGHTS];
  }
  // Expected download: the index's total, else params × stored dtype (the header adds a few kB).
  const shape = modelShape(config);
  weightBytes ??= paramCount(shape) * dtypeBytes(shape.dtype);
  expectedTotal = heldBefore + weightBytes;
  await checkRoom(opts, weightBytes, weights[0]);
  for (const w of weights) await get(w);

  const manifest: Manifest = {
    endpoint,
    repo: ref.repo,
    revision: ref.revision,
    modelType: String(config.model_type),
    files: manifestFiles,
    absent,
    savedAt: new Date().toISOString(),
  };
  // Without every file kept, a manifest would promise an offline reopen that cannot happen.
  const saved = Promise.all(writes).then(async (why) => {
    const failed = why.find((w) => w !== undefined);
    if (failed) return failed;
    try {
      await writeManifest(cache, manifest);
      return undefined;
    } catch (e) {
      return `the manifest: ${(e as Error).message}`;
    }
  });
  return { name: label, files, manifest, fetched: fetchedBefore, saved };
}

async function checkRoom(opts: OpenHubOptions, needed: number, file: string): Promise<void> {
  const est = await opts.storageEstimate?.().catch(() => undefined);
  if (!est?.quota) return;
  const available = est.quota - (est.usage ?? 0);
  if (needed > available) {
    const mb = (b: number) => `${(b / 1e6).toFixed(0)} MB`;
    throw new HubError(
      'quota',
      `the weights need ${mb(needed)} of browser storage but only ${mb(available)} is free: delete cached models (or free disk space) and load again`,
      { file },
      { neededBytes: needed, availableBytes: available },
    );
  }
}
