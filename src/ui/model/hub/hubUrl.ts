/**
 * `?model=hf:ORG/NAME@REV` (and `?hub=URL` for another endpoint): the page address of a Hub model, so a reload
 * or a shared link opens the same revision — from the cache when it is there.
 */
import { DEFAULT_ENDPOINT, formatRepoRef, parseRepoRef, type RepoRef } from '../../../core/hub/repo';
import { useHubStore } from './hubStore';

export const HUB_PREFIX = 'hf:';

/** The repo reference in a `model` URL parameter, or undefined when it is a folder URL. */
export function hubRefOfParam(model: string | undefined): RepoRef | undefined {
  if (!model || !model.toLowerCase().startsWith(HUB_PREFIX)) return undefined;
  return parseRepoRef(model);
}

export function hubParamOf(ref: RepoRef): string {
  return `${HUB_PREFIX}${formatRepoRef(ref)}`;
}

/** Puts the loaded Hub model (and a non-default endpoint) in the page address, without a navigation. */
export function rememberHubChoice(choice: { ref: RepoRef; endpoint: string }): void {
  if (typeof history === 'undefined' || typeof location === 'undefined') return;
  const url = new URL(location.href);
  url.searchParams.set('model', hubParamOf(choice.ref));
  if (choice.endpoint !== DEFAULT_ENDPOINT) url.searchParams.set('hub', choice.endpoint);
  else url.searchParams.delete('hub');
  url.searchParams.delete('builtin');
  history.replaceState(history.state, '', url.toString());
}

/** The choice for a repo id typed in the picker, at the current endpoint. */
export function hubChoiceOf(text: string): { kind: 'hub'; ref: RepoRef; endpoint: string } {
  return { kind: 'hub', ref: parseRepoRef(text), endpoint: useHubStore.getState().endpoint };
}

/** Another model was loaded: a `?model=hf:` left in the address would reopen the Hub model on reload. */
export function forgetHubChoice(): void {
  if (typeof history === 'undefined' || typeof location === 'undefined') return;
  const url = new URL(location.href);
  if (!url.searchParams.get('model')?.toLowerCase().startsWith(HUB_PREFIX)) return;
  url.searchParams.delete('model');
  history.replaceState(history.state, '', url.toString());
}
