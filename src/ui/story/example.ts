/**
 * Opens the shipped example (public/examples/, made by scripts/make-example.ts): its attention dump is imported
 * like any dump — analysed in the worker without a model run — and its prompt and response fill the boxes.
 */
import { importDumpFile } from '../analysis/actions';
import { useAnalysisStore, useUiStore } from '../analysis/stores';
import { useDocumentStore } from '../prompt/documentStore';
import { useStoryStore, type Example } from './storyStore';

export const EXAMPLE_URL = `${import.meta.env.BASE_URL}examples/addition.json`;

export interface ExampleFiles {
  example: Example;
  bytes: ArrayBuffer;
}

/** Fetches the example's description and dump (started early, while the engine boots). */
export async function fetchExample(fetchFn: typeof fetch = fetch): Promise<ExampleFiles> {
  const r = await fetchFn(EXAMPLE_URL);
  if (!r.ok) throw new Error(`${EXAMPLE_URL}: HTTP ${r.status}`);
  const example = (await r.json()) as Example;
  const d = await fetchFn(new URL(example.dump, new URL(EXAMPLE_URL, location.href)).href);
  if (!d.ok) throw new Error(`${example.dump}: HTTP ${d.status}`);
  return { example, bytes: await d.arrayBuffer() };
}

/** Shows the example as the current analysis; false when it could not be opened (the page works without it). */
export async function openExample(files: ExampleFiles): Promise<boolean> {
  const { example, bytes } = files;
  const ok = await importDumpFile(new File([bytes], example.dump));
  if (!ok) return false;
  useDocumentStore.setState({ prompt: example.prompt });
  useAnalysisStore.setState({ response: example.response });
  useStoryStore.setState({ example, sequence: useAnalysisStore.getState().sequence });
  // The story is about anchors: the strip starts coloured by FAI, so they are its bright tokens.
  useUiStore.setState({ signal: 'fai' });
  return true;
}
