/**
 * App start-up: read the URL, start the engine on the requested backend, load the default model
 * (or ?model=URL). Runs once per page even under React's StrictMode double effects.
 */
import { DEFAULT_MODEL, type ModelChoice } from '../model/catalog';
import { loadModelChoice, startEngine } from '../model/actions';
import { useNoticeStore } from './noticeStore';
import { installTestHook } from './testHook';
import { parseAppParams } from './urlParams';

let booted: Promise<void> | null = null;

export function bootApp(search: string = window.location.search): Promise<void> {
  booted ??= (async () => {
    const params = parseAppParams(search);
    for (const w of params.warnings) useNoticeStore.getState().push('warning', 'Page address', w);
    if (params.test) installTestHook();
    if (!(await startEngine(params.backend))) return;
    const first: ModelChoice = params.model
      ? { kind: 'url', url: params.model }
      : { kind: 'catalog', id: DEFAULT_MODEL.id, url: DEFAULT_MODEL.url };
    await loadModelChoice(first);
  })();
  return booted;
}
