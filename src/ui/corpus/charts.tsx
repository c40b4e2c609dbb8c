/**
 * The corpus view's small charts as plain SVG (exportable as SVG/PNG): a histogram, a bar list of role rates and
 * the head grid (layers × heads: how often each head was local / global / receiver across the corpus).
 */
import { useRef, type ReactNode } from 'react';
import type { HeadStats, Histogram } from '../../core/studies/corpus';
import { exportPng, exportSvg } from '../figures/export';

/** A titled chart with SVG / PNG export buttons for its <svg>. */
export function ChartCard({
  title,
  name,
  children,
  testId,
}: {
  title: ReactNode;
  name: string;
  children: ReactNode;
  testId?: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const svg = () => ref.current?.querySelector('svg') ?? null;
  return (
    <div className="corpus-chart" data-testid={testId}>
      <div className="corpus-chart-head">
        <span className="corpus-chart-title">{title}</span>
        <span className="chart-spacer" />
        <button type="button" className="chart-button" onClick={() => svg() && exportSvg(svg()!, `${name}.svg`)}>
          SVG
        </button>
        <button type="button" className="chart-button" onClick={() => svg() && void exportPng(svg()!, `${name}.png`)}>
          PNG
        </button>
      </div>
      <div ref={ref}>{children}</div>
    </div>
  );
}

/** A white <svg> of the given size (the frame every corpus chart draws into; exported as is). */
function SvgFrame({
  width,
  height,
  label,
  children,
}: {
  width: number;
  height: number;
  label: string;
  children: ReactNode;
}) {
  return (
    <svg
      xmlns="http://www.w3.org/2000/svg"
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={label}
    >
      <rect x={0} y={0} width={width} height={height} fill="#fff" />
      {children}
    </svg>
  );
}

const fmt = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 1 ? x.toFixed(2) : x.toPrecision(2));

export function HistogramSvg({
  h,
  width = 220,
  height = 90,
  color = '#0072B2',
  label,
}: {
  h: Histogram;
  width?: number;
  height?: number;
  color?: string;
  label: string;
}) {
  const pad = { l: 4, r: 4, t: 4, b: 16 };
  const w = width - pad.l - pad.r;
  const hh = height - pad.t - pad.b;
  const max = Math.max(1, ...h.counts);
  const bw = w / h.counts.length;
  return (
    <SvgFrame width={width} height={height} label={`histogram of ${label}`}>
      {h.counts.map((c, i) => (
        <rect
          key={i}
          x={pad.l + i * bw + 0.5}
          y={pad.t + hh - (c / max) * hh}
          width={Math.max(bw - 1, 0.5)}
          height={(c / max) * hh}
          fill={color}
        >
          <title>{`${c}`}</title>
        </rect>
      ))}
      <line x1={pad.l} x2={pad.l + w} y1={pad.t + hh} y2={pad.t + hh} stroke="#888" />
      <text x={pad.l} y={height - 3} fontSize={10} fill="#555">
        {h.n ? fmt(h.min) : ''}
      </text>
      <text x={pad.l + w} y={height - 3} fontSize={10} fill="#555" textAnchor="end">
        {h.n ? fmt(h.max) : ''}
      </text>
      <text x={pad.l + w / 2} y={height - 3} fontSize={10} fill="#555" textAnchor="middle">
        {h.mean !== null ? `mean ${fmt(h.mean)} · n ${h.n}` : 'no values'}
      </text>
    </SvgFrame>
  );
}

/** A histogram in a ChartCard (one per metric distribution and per linkage row). */
export function HistogramCard({
  title,
  name,
  h,
  color,
  label,
  width,
  height,
}: {
  title: ReactNode;
  name: string;
  h: Histogram;
  color?: string;
  label: string;
  width?: number;
  height?: number;
}) {
  return (
    <ChartCard title={title} name={name}>
      <HistogramSvg h={h} color={color} label={label} width={width} height={height} />
    </ChartCard>
  );
}

/** Histogram of per-sequence values with fixed range [0, 1] (shares) or the data's range. */
export function valuesHistogram(values: number[], bins = 20): Histogram {
  if (values.length === 0) return { min: 0, max: 0, counts: new Array(bins).fill(0), n: 0, mean: null };
  const min = Math.min(...values);
  const max = Math.max(...values);
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) counts[max > min ? Math.min(bins - 1, Math.floor(((v - min) / (max - min)) * bins)) : 0]++;
  return { min, max, counts, n: values.length, mean: values.reduce((a, b) => a + b, 0) / values.length };
}

export function RoleRatesSvg({ rates }: { rates: { label: string; value: number; color: string }[] }) {
  const width = 300;
  const row = 20;
  const height = rates.length * row + 6;
  return (
    <SvgFrame width={width} height={height} label="role rates">
      {rates.map((r, i) => (
        <g key={r.label} transform={`translate(0, ${i * row + 3})`}>
          <text x={0} y={13} fontSize={11} fill="#333">
            {r.label}
          </text>
          <rect x={118} y={3} width={130} height={12} fill="#eee" />
          <rect x={118} y={3} width={130 * Math.min(1, r.value)} height={12} fill={r.color} />
          <text
            x={width - 2}
            y={13}
            fontSize={11}
            fill="#333"
            textAnchor="end"
          >{`${(100 * r.value).toFixed(1)}%`}</text>
        </g>
      ))}
    </SvgFrame>
  );
}

const clamp = (x: number) => Math.round(Math.max(0, Math.min(255, x)));

/** White blended toward blue (#0072B2, local) and orange (#E69F00, global) by the two shares. */
function mix(local: number, global: number): string {
  const total = Math.max(1, local + global);
  const [a, b] = [local / total, global / total];
  return `rgb(${clamp(255 - 255 * a - 25 * b)}, ${clamp(255 - 141 * a - 96 * b)}, ${clamp(255 - 77 * a - 255 * b)})`;
}

/**
 * Layers × heads: cell colour mixes local (blue) and global (orange) shares over the sequences; a dot marks
 * receiver heads (size = share); the number is the mean span d.
 */
export function HeadGridSvg({ heads, sequences }: { heads: HeadStats; sequences: number }) {
  const { numLayers: L, numHeads: H } = heads;
  const cell = Math.max(14, Math.min(34, Math.floor(520 / Math.max(H, 1))));
  const left = 34;
  const top = 16;
  const width = left + H * cell + 4;
  const height = top + L * cell + 4;
  const n = Math.max(sequences, 1);
  return (
    <SvgFrame width={width} height={height} label="head roles by layer">
      {Array.from({ length: H }, (_, h) => (
        <text key={`h${h}`} x={left + h * cell + cell / 2} y={11} fontSize={9} fill="#555" textAnchor="middle">
          {h}
        </text>
      ))}
      {Array.from({ length: L }, (_, l) => (
        <g key={l}>
          <text
            x={left - 4}
            y={top + l * cell + cell / 2 + 3}
            fontSize={9}
            fill="#555"
            textAnchor="end"
          >{`L${l}`}</text>
          {Array.from({ length: H }, (_, h) => {
            const i = l * H + h;
            const span = heads.meanSpan[i];
            const loc = heads.local[i] / n;
            const glob = heads.global[i] / n;
            const recv = heads.receiver[i] / n;
            const fill = span === null ? '#f4f4f4' : mix(loc, glob);
            return (
              <g key={h}>
                <rect
                  x={left + h * cell}
                  y={top + l * cell}
                  width={cell - 1}
                  height={cell - 1}
                  fill={fill}
                  stroke="#ddd"
                >
                  <title>{`layer ${l} head ${h}: ${span === null ? 'not selected' : `mean span ${span.toFixed(2)}, local ${(100 * loc).toFixed(0)}%, global ${(100 * glob).toFixed(0)}%, receiver ${(100 * recv).toFixed(0)}%`}`}</title>
                </rect>
                {recv > 0 && (
                  <circle cx={left + h * cell + cell - 5} cy={top + l * cell + 5} r={1.5 + 2.5 * recv} fill="#009E73" />
                )}
                {span !== null && cell >= 24 && (
                  <text
                    x={left + h * cell + cell / 2}
                    y={top + l * cell + cell / 2 + 3}
                    fontSize={8.5}
                    fill="#222"
                    textAnchor="middle"
                  >
                    {span.toFixed(1)}
                  </text>
                )}
              </g>
            );
          })}
        </g>
      ))}
    </SvgFrame>
  );
}
