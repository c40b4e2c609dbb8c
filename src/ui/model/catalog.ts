/**
 * Models the app offers in its picker. Folders under public/models/ are served with the app.
 * The trained built-in model (rhythm-mini) is listed first when its config.json is there (probed at start-up,
 * see probeCatalog); the tiny random GPT-2 fixture is always there.
 */
export interface CatalogEntry {
  id: string;
  label: string;
  /** Model folder URL, relative to the app's base URL. */
  url: string;
  note: string;
}

export const KNOWN_MODELS: CatalogEntry[] = [
  {
    id: 'rhythm-mini',
    label: 'rhythm-mini (trained on the tasks)',
    url: `${import.meta.env.BASE_URL}models/rhythm-mini/`,
    note: 'The built-in model, trained on addition, countdown and multistep problems: sample a problem and Generate.',
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

/** The built-in models actually served: those whose config.json answers (the fallback is never probed). */
export async function probeCatalog(fetchFn: typeof fetch = fetch): Promise<CatalogEntry[]> {
  const found = await Promise.all(KNOWN_MODELS.map(async (m) => {
    if (m === FALLBACK_MODEL) return true;
    try {
      const r = await fetchFn(`${m.url}config.json`, { method: 'HEAD', cache: 'no-store' });
      return r.ok;
    } catch {
      return false;
    }
  }));
  return KNOWN_MODELS.filter((_, i) => found[i]);
}

/** What the user picked, kept so the model can be reloaded (e.g. after a backend change). */
export type ModelChoice =
  | { kind: 'catalog'; id: string; url: string }
  | { kind: 'url'; url: string }
  /** `paths`: each file's path inside the folder (dropped folders); default from webkitRelativePath. */
  | { kind: 'folder'; name: string; files: File[]; paths?: string[] };

export function choiceLabel(choice: ModelChoice): string {
  if (choice.kind === 'catalog') return KNOWN_MODELS.find((c) => c.id === choice.id)?.label ?? choice.id;
  if (choice.kind === 'url') return choice.url;
  return `${choice.name} (local folder)`;
}
