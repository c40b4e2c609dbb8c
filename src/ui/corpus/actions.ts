/**
 * Corpus actions: a corpus run in the engine worker (streamed summary, Cancel keeps what was done), the
 * perturbation test of one sequence and over the corpus, opening a sequence in the Workbench, and the exports.
 */
import { corpusCsv } from '../../core/studies/corpus';
import { perturbCsv } from '../../core/studies/perturb-study';
import type { CorpusSource } from '../../worker/corpus-protocol';
import { setView } from '../train/trainStore';
import { analyzeGeneration } from '../analysis/actions';
import { useSettingsStore } from '../analysis/stores';
import { engine } from '../app/engine';
import { reportError } from '../app/noticeStore';
import { downloadBlob } from '../figures/export';
import { useDocumentStore } from '../prompt/documentStore';
import { useCorpusStore, type PerturbStudyState } from './corpusStore';

let controller: AbortController | null = null;
let perturbController: AbortController | null = null;
let studyController: AbortController | null = null;

export async function runCorpus(source: CorpusSource, label: string): Promise<void> {
  controller?.abort();
  const mine = new AbortController();
  controller = mine;
  const set = useCorpusStore.setState;
  set({
    running: { fraction: 0, message: 'Starting' },
    cancelled: false,
    summary: null,
    list: [],
    study: null,
    ms: null,
    perturb: null,
    perturbStudy: null,
    sourceLabel: label,
  });
  const options = useSettingsStore.getState().options as Record<string, unknown>;
  try {
    const out = await engine().call(
      'corpusRun',
      { source, options },
      {
        signal: mine.signal,
        onProgress: (fraction, message) => controller === mine && set({ running: { fraction, message } }),
        onStream: (event) => {
          if (controller !== mine) return;
          set((s) => ({ summary: event.summary, list: [...s.list, event.sequence] }));
        },
      },
    );
    if (controller === mine)
      set({ summary: out.summary, list: out.list, study: out.study, cancelled: out.cancelled, ms: out.ms });
  } catch (e) {
    if (controller === mine) reportError('Corpus analysis', e);
  } finally {
    if (controller === mine) {
      controller = null;
      set({ running: null });
    }
  }
}

/** Sample n problems of a task, generate a response to each, analyse. */
export function runTaskCorpus(): Promise<void> {
  const f = useCorpusStore.getState().form;
  return runCorpus(
    { kind: 'task', ...f },
    `${f.n} ${f.task} problems, level ${f.level}, seed ${f.seed}, ${f.temperature === 0 ? 'greedy' : `temperature ${f.temperature}`}`,
  );
}

export async function runFileCorpus(files: File[]): Promise<void> {
  if (files.length === 0) return;
  const dumps = files.filter((f) => f.name.endsWith('.safetensors'));
  if (dumps.length > 0) {
    const read = await Promise.all(dumps.map(async (f) => ({ name: f.name, bytes: await f.arrayBuffer() })));
    return runCorpus({ kind: 'dumps', files: read }, `${dumps.length} attention dump${dumps.length === 1 ? '' : 's'}`);
  }
  const f = files[0];
  return runCorpus({ kind: 'jsonl', name: f.name, text: await f.text() }, f.name);
}

/** Cancel: the worker stops after the current sequence; what was analysed stays. */
export function cancelCorpus(): void {
  controller?.abort();
}

export async function runPerturb(index: number): Promise<void> {
  const seq = useCorpusStore.getState().list[index];
  if (!seq || seq.promptIds.length + seq.responseIds.length === 0) return;
  perturbController?.abort();
  const mine = new AbortController();
  perturbController = mine;
  useCorpusStore.setState({ perturb: { index, running: true, result: null } });
  try {
    const result = await engine().call(
      'perturbRun',
      {
        ids: [...seq.promptIds, ...seq.responseIds],
        promptLength: seq.promptIds.length,
        index,
        options: useSettingsStore.getState().options as Record<string, unknown>,
      },
      { signal: mine.signal },
    );
    if (perturbController === mine) useCorpusStore.setState({ perturb: { index, running: false, result } });
  } catch (e) {
    if (perturbController === mine) {
      useCorpusStore.setState({ perturb: null });
      if (!(e instanceof Error && e.name === 'AbortError')) reportError('Perturbation test', e);
    }
  }
}

/**
 * The perturbation test over every corpus sequence with a response (the numbers of `rhythmscope study perturb` on
 * the same corpus); totals stream in, Cancel keeps the responses finished.
 */
export async function runPerturbStudy(): Promise<void> {
  const { list, perturbForm: f } = useCorpusStore.getState();
  const chosen = list.filter((s) => s.responseIds.length > 0);
  if (chosen.length === 0) return;
  studyController?.abort();
  const mine = new AbortController();
  studyController = mine;
  const corpusIndex = chosen.map((s) => s.index);
  const patch = (p: Partial<PerturbStudyState>) =>
    useCorpusStore.setState((s) => (s.perturbStudy ? { perturbStudy: { ...s.perturbStudy, ...p } } : {}));
  useCorpusStore.setState({
    perturbStudy: {
      running: { fraction: 0, message: 'Starting' },
      totals: null,
      perSequence: [],
      study: null,
      corpusIndex,
      cancelled: false,
      ms: null,
    },
  });
  try {
    const out = await engine().call(
      'perturbStudyRun',
      {
        sequences: chosen.map((s) => ({ ids: [...s.promptIds, ...s.responseIds], promptLength: s.promptIds.length })),
        options: useSettingsStore.getState().options as Record<string, unknown>,
        perturb: { k: f.k, m: f.m, min_tail: f.minTail, seed: f.seed },
      },
      {
        signal: mine.signal,
        onProgress: (fraction, message) => studyController === mine && patch({ running: { fraction, message } }),
        onStream: (event) => {
          if (studyController !== mine) return;
          useCorpusStore.setState((s) =>
            s.perturbStudy
              ? {
                  perturbStudy: {
                    ...s.perturbStudy,
                    totals: event.totals,
                    perSequence: [...s.perturbStudy.perSequence, event.sequence],
                  },
                }
              : {},
          );
        },
      },
    );
    if (studyController === mine) {
      const { per_sequence: _, ...totals } = out.study;
      patch({ study: out.study, totals, cancelled: out.cancelled, ms: out.ms });
    }
  } catch (e) {
    if (studyController === mine) reportError('Perturbation test over the corpus', e);
  } finally {
    if (studyController === mine) {
      studyController = null;
      patch({ running: null });
    }
  }
}

/** Cancel: the worker stops inside the current response; the responses finished are kept. */
export function cancelPerturbStudy(): void {
  studyController?.abort();
}

/** Shows one corpus sequence in the Workbench (analysed again there with the current settings). */
export async function openInWorkbench(index: number): Promise<void> {
  const seq = useCorpusStore.getState().list[index];
  if (!seq || seq.responseIds.length === 0) return;
  useDocumentStore.setState({ prompt: seq.label.endsWith('\n') ? seq.label : `${seq.label}\n` });
  setView('workbench');
  await analyzeGeneration(seq.promptIds, seq.responseIds, '');
}

export type CorpusExportKind = 'json' | 'csv' | 'perturb-json' | 'perturb-study-json' | 'perturb-study-csv';

export function exportCorpus(kind: CorpusExportKind): void {
  const s = useCorpusStore.getState();
  if (kind === 'json' && s.study) {
    downloadBlob(new Blob([`${JSON.stringify(s.study, null, 1)}\n`], { type: 'application/json' }), 'linkage.json');
  } else if (kind === 'csv') {
    downloadBlob(new Blob([corpusCsv(s.list)], { type: 'text/csv' }), 'corpus.csv');
  } else if (kind === 'perturb-json' && s.perturb?.result) {
    downloadBlob(
      new Blob([`${JSON.stringify(s.perturb.result, null, 1)}\n`], { type: 'application/json' }),
      `perturb-${s.perturb.index}.json`,
    );
  } else if (kind === 'perturb-study-json' && s.perturbStudy?.study) {
    downloadBlob(
      new Blob([`${JSON.stringify(s.perturbStudy.study, null, 1)}\n`], { type: 'application/json' }),
      'perturb.json',
    );
  } else if (kind === 'perturb-study-csv' && s.perturbStudy?.study) {
    const { corpusIndex } = s.perturbStudy;
    const byIndex = new Map(s.list.map((x) => [x.index, x.label]));
    const labels = corpusIndex.map((i) => byIndex.get(i) ?? '');
    downloadBlob(new Blob([perturbCsv(s.perturbStudy.study, labels)], { type: 'text/csv' }), 'perturb.csv');
  }
}
