/**
 * One panel of the rhythm chart (WAAD or FAI over response positions, with its role markers, τ_waad rule and the
 * other head set's FAI dashed) and the chart's legend. The chart (RhythmChart.tsx) owns scales, axes, brush and
 * hover; these draw what the data says and nothing else.
 */
import { line, symbol, symbolCircle, symbolCross, symbolDiamond, symbolTriangle, type ScaleLinear } from 'd3';
import type { AnalysisRecord } from '../../core/rhythm/record';
import { define, GLOSSARY } from '../glossary/glossary';
import { HEAD_CLASS_COLORS } from '../theme/palette';
import { inSpan } from '../tokens/link';
import { ROLES, type RoleStyle } from '../tokens/roles';
import { formatValue } from '../tokens/signals';
import { MARGIN, markerArea, type Panel, type RolePoint } from './chartModel';

const SYMBOLS = { triangle: symbolTriangle, diamond: symbolDiamond, cross: symbolCross, circle: symbolCircle };
/** The FAI of the head set not chosen by the faiHeads option (receiver heads by default), drawn dashed. */
const SECOND_FAI_COLOR = '#009E73';
const LINE_COLORS: Record<Panel, string> = { waad: HEAD_CLASS_COLORS.local, fai: HEAD_CLASS_COLORS.global };
const PANEL_TITLES: Record<Panel, string> = { waad: 'WAAD (local heads)', fai: 'FAI (global heads)' };
export const LEGEND: { label: string; line?: string; role?: RoleStyle }[] = [
  { label: 'WAAD', line: LINE_COLORS.waad },
  { label: 'FAI', line: LINE_COLORS.fai },
  { label: 'FAI other heads', line: SECOND_FAI_COLOR },
  ...ROLES.map((role) => ({ label: `${role.label} ${role.set}`, role })),
];

/** FAI of the other head set: the receivers' (default) or, under faiHeads = receiver, the global heads'. */
export function secondFai(record: AnalysisRecord): number[] | undefined {
  return record.fai_global ?? record.fai_receiver;
}

export interface RhythmPanelProps {
  k: Panel;
  record: AnalysisRecord;
  x: ScaleLinear<number, number>;
  y: ScaleLinear<number, number>;
  /** Vertical offset of this panel inside the plot area, px. */
  offset: number;
  panelHeight: number;
  innerW: number;
  points: RolePoint[];
  span: [number, number] | null;
  axisRef: React.Ref<SVGGElement>;
}

export function RhythmPanel({ k, record, x, y, offset, panelHeight, innerW, points, span, axisRef }: RhythmPanelProps) {
  const p = record.prompt_length;
  const r = record.tokens.length - p;
  const area = markerArea(innerW / Math.max(1, r));
  const curve = (values: number[]) =>
    line<number>()
      .x((_, i) => x(p + i))
      .y((v) => y(v))(values) ?? '';
  const other = k === 'fai' ? secondFai(record) : undefined;
  return (
    <g transform={`translate(0, ${offset})`}>
      {span && (
        <rect
          className="rc-span"
          x={x(span[0] - 0.5)}
          width={x(span[1] + 0.5) - x(span[0] - 0.5)}
          y={0}
          height={panelHeight}
        />
      )}
      <g ref={axisRef} className="rc-axis" />
      <text
        className="rc-panel-title"
        transform={`translate(${-MARGIN.left + 12}, ${panelHeight / 2}) rotate(-90)`}
        textAnchor="middle"
      >
        <title>{GLOSSARY[k]}</title>
        {panelHeight < 110 ? k.toUpperCase() : PANEL_TITLES[k]}
      </text>
      {k === 'waad' && Number.isFinite(record.tau_waad) && (
        <g>
          <line className="rc-tau" x1={0} x2={innerW} y1={y(record.tau_waad)} y2={y(record.tau_waad)} />
          {/* Halo as a separate white-stroked copy: survives export, unlike CSS paint-order. */}
          <text
            x={innerW - 4}
            y={y(record.tau_waad) - 4}
            textAnchor="end"
            fontSize={10.5}
            fill="#fff"
            stroke="#fff"
            strokeWidth={3}
            strokeLinejoin="round"
            aria-hidden="true"
          >
            τ_waad {formatValue(record.tau_waad)}
          </text>
          <text className="rc-tau-label" x={innerW - 4} y={y(record.tau_waad) - 4} textAnchor="end">
            τ_waad {formatValue(record.tau_waad)}
          </text>
        </g>
      )}
      {other && (
        <path
          d={curve(other)}
          fill="none"
          stroke={SECOND_FAI_COLOR}
          strokeWidth={1.2}
          strokeDasharray="4 3"
          data-series={record.fai_global ? 'fai-global' : 'fai-receiver'}
        >
          <title>{record.fai_global ? 'FAI over the global heads' : 'FAI over the receiver heads (FAI_recv)'}</title>
        </path>
      )}
      <path d={curve(record[k])} fill="none" stroke={LINE_COLORS[k]} strokeWidth={1.6} strokeLinejoin="round" />
      {points
        .filter((pt) => pt.panel === k)
        .map((pt) => {
          const style = ROLES.find((s) => s.id === pt.role)!;
          return (
            <path
              key={`${pt.role}${pt.t}`}
              className={inSpan(pt.t, span) ? 'rc-mark' : 'rc-mark is-outside'}
              d={
                symbol(SYMBOLS[style.symbol], pt.role === 'dominated' || pt.role === 'intro' ? 0.75 * area : area)() ??
                ''
              }
              transform={`translate(${x(pt.t)}, ${y(pt.value) - (pt.role === 'dominated' || pt.role === 'intro' ? 9 : 0)})${pt.role === 'dominated' ? ' rotate(45)' : ''}`}
              fill={style.color}
              stroke="#fff"
              strokeWidth={0.8}
            />
          );
        })}
    </g>
  );
}

/** The legend's entries at their wrapped positions (legendLayout). */
export function RhythmLegend({ layout, x }: { layout: { x: number; row: number }[]; x: number }) {
  return (
    <g className="rc-legend" transform={`translate(${x}, 12)`}>
      {LEGEND.map((e, i) => (
        <g key={e.label} transform={`translate(${layout[i].x}, ${16 * layout[i].row})`} className="rc-legend-item">
          <title>{define(e.label)}</title>
          {e.line ? (
            <line x1={0} x2={16} y1={0} y2={0} stroke={e.line} strokeWidth={2} />
          ) : (
            <path
              d={symbol(SYMBOLS[e.role!.symbol], 44)() ?? ''}
              fill={e.role!.color}
              transform={`translate(8, 0)${e.role!.id === 'dominated' ? ' rotate(45)' : ''}`}
            />
          )}
          <text x={22} y={4}>
            {e.label}
          </text>
        </g>
      ))}
    </g>
  );
}
