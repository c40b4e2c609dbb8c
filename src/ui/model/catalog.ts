/**
 * Models the app offers in its picker. Folders under public/models/ are served with the app.
 * The trained built-in model (rhythm-mini) is listed first when its config.json is there (probed at start-up,
 * see probeCatalog); the tiny random GPT-2 fixture is always there.
 */
import { formatRepoRef, type RepoRef } from '../../core/hub/repo';

export interface CatalogEntry {
  id: string;
  label: string;
  /** Model folder URL, relative to the app's base URL. */
  url: string;
  note: string;
  /** The files the loader reads, when the catalog lists them (fetched together, see modelSourceOf). */
  files?: string[];
}

export const KNOWN_MODELS: CatalogEntry[] = [
  {
    id: 'rhythm-mini',
    label: 'rhythm-mini (trained on the tasks)',
    url: `${import.meta.env.BASE_URL}models/rhythm-mini/`,
    note: 'The built-in model, trained on addition, countdown and multistep problems: sample a problem and Generate.',
  },
  {
    id: 'rhythm-countdown',
    label: 'rhythm-countdown (rhythm-mini fine-tuned on Countdown)',
    url: `${import.meta.env.BASE_URL}models/rhythm-countdown/`,
    note: 'rhythm-mini fine-tuned on a Countdown-heavy mix: Countdown level 1 sits in the RL band (public/models/rhythm-countdown/README.md).',
  },
  {
    id: 'tiny-random',
    label: 'tiny-random (test fixture)',
    url: `${import.meta.env.BASE_URL}models/tiny-random/`,
    note: 'A tiny GPT-2 with random weights: it loads instantly and babbles.',
  },
];

/** Always present (a test fixture shipped with the app). */
export const FALLBACK_MODEL = KNOWN_MODELS[KNOWN_MODELS.length - 1];

/**
 * The built-in models actually served, best first: `models/catalog.json` (written by the build, see
 * vite.config.ts) lists the folders with a config.json; known models keep their order and labels, other
 * folders follow by name. The fallback is always offered.
 */
export async function probeCatalog(fetchFn: typeof fetch = fetch): Promise<CatalogEntry[]> {
  let ids: string[] = [];
  let files: unknown;
  try {
    const r = await fetchFn(`${import.meta.env.BASE_URL}models/catalog.json`, { cache: 'no-store' });
    if (r.ok) ({ models: ids, files } = (await r.json()) as { models: string[]; files?: unknown });
    if (!Array.isArray(ids)) ids = [];
  } catch {
    ids = [];
  }
  return catalogFrom(ids, files);
}

const SAFE_NAME = /^[A-Za-z0-9._-]+$/;

/** `files`: { id: [file names] } from catalog.json; a malformed list is ignored (the model then loads by URL). */
export function catalogFrom(ids: string[], files?: unknown): CatalogEntry[] {
  const valid = ids.filter((id) => typeof id === 'string' && SAFE_NAME.test(id) && id !== '.' && id !== '..');
  const known = KNOWN_MODELS.filter((m) => m === FALLBACK_MODEL || valid.includes(m.id));
  const others = valid
    .filter((id) => !KNOWN_MODELS.some((m) => m.id === id))
    .map((id) => ({ id, label: id, url: `${import.meta.env.BASE_URL}models/${id}/`, note: `public/models/${id}/` }));
  return [...known.filter((m) => m !== FALLBACK_MODEL), ...others, FALLBACK_MODEL].map((m) => {
    const list = (files as Record<string, unknown> | undefined)?.[m.id];
    const ok =
      Array.isArray(list) &&
      list.length > 0 &&
      list.every((f) => typeof f === 'string' && SAFE_NAME.test(f) && !f.startsWith('.'));
    return ok ? { ...m, files: [...list] as string[] } : m;
  });
}

/** What the user picked, kept so the model can be reloaded (e.g. after a backend change). */
export type ModelChoice =
  | { kind: 'catalog'; id: string; url: string; files?: string[] }
  | { kind: 'url'; url: string }
  /** `paths`: each file's path inside the folder (dropped folders); default from webkitRelativePath. */
  | { kind: 'folder'; name: string; files: File[]; paths?: string[] }
  /** A .zip of a model folder (files at its root or inside one folder). */
  | { kind: 'zip'; file: File }
  /** A Hub repo revision, downloaded through the cache (src/core/hub). */
  | { kind: 'hub'; ref: RepoRef; endpoint: string };

export function choiceLabel(choice: ModelChoice): string {
  if (choice.kind === 'catalog') return KNOWN_MODELS.find((c) => c.id === choice.id)?.label ?? choice.id;
  if (choice.kind === 'url') return choice.url;
  if (choice.kind === 'zip') return `${choice.file.name} (zip)`;
  if (choice.kind === 'hub') return `hf:${formatRepoRef(choice.ref)}`;
  return `${choice.name} (local folder)`;
}
