/**
 * Hub repo references and the URLs of their files. A reference is `ORG/NAME` or `ORG/NAME@REV` (also with an
 * `hf:` prefix, or a model page URL `https://huggingface.co/ORG/NAME[/tree/REV]`); files are read from
 * `{endpoint}/{ORG/NAME}/resolve/{REV}/{file}`, with the revision as one encoded path segment (a branch such as
 * `refs/pr/1` becomes `refs%2Fpr%2F1`, which the Hub resolves) and each segment of the file path encoded.
 */
import { InputError } from '../errors';

export const DEFAULT_ENDPOINT = 'https://huggingface.co';
export const DEFAULT_REVISION = 'main';

export interface RepoRef {
  /** `ORG/NAME` (or a legacy single `NAME`). */
  repo: string;
  revision: string;
}

/** A repo name segment as the Hub allows it: letters, digits, `-`, `_`, `.`; no `--` or `..`; ≤ 96 chars. */
const SEGMENT = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,94}[A-Za-z0-9_])?$/;

export function parseRepoRef(input: string): RepoRef {
  let text = input.trim();
  const field = 'model id';
  if (!text) throw new InputError('empty; expected ORG/NAME or ORG/NAME@REVISION', { field });
  text = text.replace(/^hf:/i, '');
  // A model page URL: https://huggingface.co/ORG/NAME[/tree/REV]
  const page = /^https?:\/\/[^/]+\/(?!api\/)([^/@]+\/[^/@]+)(?:\/tree\/(.+?))?\/?$/.exec(text);
  if (page) text = page[2] ? `${page[1]}@${decodeURIComponent(page[2])}` : page[1];
  const at = text.indexOf('@');
  const repo = at < 0 ? text : text.slice(0, at);
  const revision = at < 0 ? DEFAULT_REVISION : text.slice(at + 1);
  const segments = repo.split('/');
  if (segments.length > 2 || segments.some((s) => !SEGMENT.test(s) || s.includes('--') || s.includes('..'))) {
    throw new InputError(`"${repo}" is not a Hub repo id; expected ORG/NAME (letters, digits, "-", "_", ".")`, {
      field,
    });
  }
  if (!revision || /\s/.test(revision) || revision.split('/').some((s) => s === '' || s === '.' || s === '..')) {
    throw new InputError(`"${revision}" is not a revision (a branch, tag or commit; "/" allowed between names)`, {
      field,
    });
  }
  return { repo, revision };
}

/** `ORG/NAME@REV`, the revision left out when it is the default branch. */
export function formatRepoRef(ref: RepoRef): string {
  return ref.revision === DEFAULT_REVISION ? ref.repo : `${ref.repo}@${ref.revision}`;
}

/** The endpoint without a trailing slash; only http(s) URLs. */
export function normalizeEndpoint(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    throw new InputError(`"${url}" is not a URL (e.g. ${DEFAULT_ENDPOINT})`, { field: 'hub endpoint' });
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new InputError(`"${url}" must be an http(s) URL`, { field: 'hub endpoint' });
  }
  if (parsed.search || parsed.hash)
    throw new InputError(`"${url}" must not have a query or fragment`, { field: 'hub endpoint' });
  return `${parsed.origin}${parsed.pathname}`.replace(/\/+$/, '');
}

const encodePath = (path: string) => path.split('/').map(encodeURIComponent).join('/');

/** The folder every file of one revision is read from (ends with `/`). */
export function resolveBase(endpoint: string, ref: RepoRef): string {
  return `${normalizeEndpoint(endpoint)}/${encodePath(ref.repo)}/resolve/${encodeURIComponent(ref.revision)}/`;
}

export function resolveUrl(endpoint: string, ref: RepoRef, file: string): string {
  if (!file || file.startsWith('/') || file.split('/').some((s) => s === '' || s === '.' || s === '..')) {
    throw new InputError(`"${file}" is not a file path inside the repo`, { field: 'file' });
  }
  return resolveBase(endpoint, ref) + encodePath(file);
}

/** The model's page on the Hub (where a gated model's terms are accepted). */
export function modelPageUrl(endpoint: string, ref: RepoRef): string {
  const base = `${normalizeEndpoint(endpoint)}/${encodePath(ref.repo)}`;
  return ref.revision === DEFAULT_REVISION ? base : `${base}/tree/${encodeURIComponent(ref.revision)}`;
}

/** Where the endpoint's access tokens are made (the real Hub only). */
export function tokenSettingsUrl(endpoint: string): string {
  return `${normalizeEndpoint(endpoint)}/settings/tokens`;
}
