/**
 * Models the app offers in its picker. Folders under public/models/ are served with the app.
 * (Until the trained built-in model exists, the tiny random GPT-2 fixture is the default.)
 */
export interface CatalogEntry {
  id: string;
  label: string;
  /** Model folder URL, relative to the app's base URL. */
  url: string;
  note: string;
}

export const CATALOG: CatalogEntry[] = [
  {
    id: 'tiny-random',
    label: 'tiny-random (test fixture)',
    url: `${import.meta.env.BASE_URL}models/tiny-random/`,
    note: 'A tiny GPT-2 with random weights: it loads instantly and babbles.',
  },
];

export const DEFAULT_MODEL = CATALOG[0];

/** What the user picked, kept so the model can be reloaded (e.g. after a backend change). */
export type ModelChoice =
  | { kind: 'catalog'; id: string; url: string }
  | { kind: 'url'; url: string }
  | { kind: 'folder'; name: string; files: File[] };

export function choiceLabel(choice: ModelChoice): string {
  if (choice.kind === 'catalog') return CATALOG.find((c) => c.id === choice.id)?.label ?? choice.id;
  if (choice.kind === 'url') return choice.url;
  return `${choice.name} (local folder)`;
}
