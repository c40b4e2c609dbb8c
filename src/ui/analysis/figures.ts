/**
 * Paper figures of the token-indexed views that are HTML on screen (token strip, credit view): one column per
 * response token, one row per signal, token labels under the grid, a colour legend. Pure strings (Node-tested).
 */
import type { AnalysisRecord } from '../../core/rhythm/record';
import { legendSvg, MONO, svgDocument, textEl } from '../figures/svg';
import { displayToken } from '../figures/text';
import { makeNormalizer, SCHEMES, type SchemeName } from '../theme/scales';

export interface FigureRow {
  label: string;
  values: number[];
}

const CELL = 14;
const LABEL_W = 120;
const TOP = 34;

export function tokenRowsSvg(
  record: AnalysisRecord,
  rows: FigureRow[],
  scheme: SchemeName,
  domain: [number, number],
  title: string,
  legendTitle: string,
): string {
  const p = record.prompt_length;
  const r = record.waad.length;
  const gridW = r * CELL,
    gridH = rows.length * CELL;
  const labelH = 70;
  const width = LABEL_W + gridW + 90;
  const height = TOP + gridH + labelH + 10;
  const norm = makeNormalizer('linear', domain[0] === domain[1] ? [domain[0], domain[0] + 1] : domain);
  const color = SCHEMES[scheme].interpolate;
  const cells: string[] = [];
  rows.forEach((row, j) => {
    const y = TOP + j * CELL;
    cells.push(textEl(LABEL_W - 6, y + CELL - 3, row.label, 'font-size="11" text-anchor="end" fill="#222"'));
    row.values.forEach((v, i) => {
      const fill = Number.isFinite(v) ? color(norm(v)) : '#eeeeee';
      cells.push(
        `<rect x="${LABEL_W + i * CELL}" y="${y}" width="${CELL}" height="${CELL}" fill="${fill}"><title>${i + p}: ${v}</title></rect>`,
      );
    });
  });
  const labels = Array.from({ length: r }, (_, i) => {
    const x = LABEL_W + i * CELL + CELL / 2 + 3;
    const y = TOP + gridH + 6;
    return textEl(
      x,
      y,
      displayToken(record.tokens[p + i], 8),
      `font-size="9" font-family="${MONO}" text-anchor="end" transform="rotate(-60 ${x} ${y})" fill="#333"`,
    );
  });
  const body =
    textEl(LABEL_W, 20, title, 'font-size="13" font-weight="bold" fill="#111"') +
    cells.join('\n') +
    '\n' +
    labels.join('\n') +
    '\n' +
    legendSvg(
      { scheme, mode: 'linear', domain },
      LABEL_W + gridW + 16,
      TOP,
      Math.max(60, gridH),
      legendTitle,
      'token-legend',
    );
  return svgDocument(width, height, body, title);
}
