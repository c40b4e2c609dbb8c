/**
 * Comparison exports: curves.csv (every run, per step), summary.csv (the table), and the five charts as one
 * figure in SVG and PNG (2×, rasterised by src/ui/figures/export.ts). Same numbers as `rhythmscope experiment`.
 */
import { reportError } from '../app/noticeStore';
import { downloadBlob, exportPng, exportSvg } from '../figures/export';
import { trainFigureSvg } from './figure';
import { curvesCsvText, summaryCsvText } from './summary';
import { useTrainStore } from './trainStore';

export type TrainExportKind = 'curves-csv' | 'summary-csv' | 'svg' | 'png';

function baseName(): string {
  const model = useTrainStore.getState().model ?? 'model';
  return `${model}-train`;
}

/** The figure of the runs shown now. */
export function currentFigureSvg(): string {
  const s = useTrainStore.getState();
  const title = `${s.model ?? 'model'}: GRPO fine-tuning, ${s.runs.length} run${s.runs.length === 1 ? '' : 's'} (colour = strategy, dash = seed)`;
  return trainFigureSvg(s.runs, title);
}

export async function exportComparison(kind: TrainExportKind): Promise<void> {
  try {
    const { runs } = useTrainStore.getState();
    if (!runs.some((r) => r.lines.length > 0)) throw new Error('no training curves yet: start training first');
    const name = baseName();
    const csv = (text: string, file: string) => downloadBlob(new Blob([text], { type: 'text/csv' }), file);
    if (kind === 'curves-csv') csv(curvesCsvText(runs), `${name}-curves.csv`);
    else if (kind === 'summary-csv') csv(summaryCsvText(runs), `${name}-summary.csv`);
    else if (kind === 'svg') exportSvg(currentFigureSvg(), `${name}-curves.svg`);
    else await exportPng(currentFigureSvg(), `${name}-curves.png`, 2);
  } catch (e) {
    reportError('Exporting the comparison', e);
  }
}
