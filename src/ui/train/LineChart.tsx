/**
 * A small d3 line chart: one line per series (colour + dash), labelled axes, a legend. d3 computes scales,
 * ticks and paths; React owns the SVG (no DOM mutation), so it re-renders cheaply as lines stream in.
 */
import { line, scaleLinear } from 'd3';
import { useRef } from 'react';
import { useElementWidth } from '../theme/useWidth';
import { extents, type Series } from './series';

export interface LineChartProps {
  testId: string;
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  height?: number;
  /** Integer x ticks only (steps, token positions). */
  integerX?: boolean;
}

const M = { top: 10, right: 14, bottom: 40, left: 56 };

export function LineChart({ testId, title, xLabel, yLabel, series, height = 180, integerX = true }: LineChartProps) {
  const ref = useRef<HTMLDivElement>(null);
  const width = Math.max(220, useElementWidth(ref, 360));
  const ext = extents(series);
  const innerW = width - M.left - M.right;
  const innerH = height - M.top - M.bottom;
  const x = scaleLinear()
    .domain(ext?.x ?? [0, 1])
    .range([0, innerW]);
  const y = scaleLinear()
    .domain(ext?.y ?? [0, 1])
    .range([innerH, 0])
    .nice();
  const xTicks = x.ticks(Math.max(2, Math.floor(innerW / 70))).filter((t) => !integerX || Number.isInteger(t));
  const yTicks = y.ticks(4);
  const path = line<[number, number]>()
    .x((p) => x(p[0]))
    .y((p) => y(p[1]));
  const withData = series.filter((s) => s.points.length > 0);
  return (
    <figure className="train-chart" data-testid={testId} ref={ref}>
      <figcaption className="train-chart-title">{title}</figcaption>
      <svg width={width} height={height} role="img" aria-label={`${title}: ${yLabel} over ${xLabel}`}>
        <g transform={`translate(${M.left},${M.top})`}>
          {yTicks.map((t) => (
            <g key={`y${t}`} transform={`translate(0,${y(t)})`}>
              <line x2={innerW} className="train-grid" />
              <text x={-6} dy="0.32em" textAnchor="end" className="train-tick">
                {formatTick(t)}
              </text>
            </g>
          ))}
          {xTicks.map((t) => (
            <g key={`x${t}`} transform={`translate(${x(t)},${innerH})`}>
              <line y2={4} className="train-axis" />
              <text y={16} textAnchor="middle" className="train-tick">
                {formatTick(t)}
              </text>
            </g>
          ))}
          <line x1={0} x2={innerW} y1={innerH} y2={innerH} className="train-axis" />
          <line x1={0} x2={0} y1={0} y2={innerH} className="train-axis" />
          {withData.map((s, i) => (
            <g key={s.key} data-series={s.key}>
              {/* Earlier lines are wider, so identical runs (same seed, no update yet) still show both colours. */}
              <path
                d={path(s.points) ?? ''}
                fill="none"
                stroke={s.color}
                strokeWidth={1.5 + (2 * (withData.length - 1 - i)) / Math.max(1, withData.length - 1)}
                strokeDasharray={s.dash || undefined}
              />
              {s.points.length <= 60 &&
                s.points.map(([px, py]) => <circle key={px} cx={x(px)} cy={y(py)} r={2.5} fill={s.color} />)}
            </g>
          ))}
          {withData.length === 0 && (
            <text x={innerW / 2} y={innerH / 2} textAnchor="middle" className="train-empty">
              no data yet
            </text>
          )}
          <text x={innerW / 2} y={innerH + 34} textAnchor="middle" className="train-axis-label">
            {xLabel}
          </text>
          <text
            transform={`translate(${-44},${innerH / 2}) rotate(-90)`}
            textAnchor="middle"
            className="train-axis-label"
          >
            {yLabel}
          </text>
        </g>
      </svg>
      <Legend series={series} />
    </figure>
  );
}

export function Legend({ series }: { series: Series[] }) {
  if (series.length === 0) return null;
  return (
    <ul className="train-legend">
      {series.map((s) => (
        <li key={s.key}>
          <svg width={26} height={10} aria-hidden="true">
            <line
              x1={1}
              x2={25}
              y1={5}
              y2={5}
              stroke={s.color}
              strokeWidth={2.5}
              strokeDasharray={s.dash || undefined}
            />
          </svg>
          {s.label}
        </li>
      ))}
    </ul>
  );
}

function formatTick(t: number): string {
  if (t === 0) return '0';
  const a = Math.abs(t);
  if (a >= 1000 || a < 0.001) return t.toExponential(0);
  return String(Number(t.toPrecision(3)));
}
