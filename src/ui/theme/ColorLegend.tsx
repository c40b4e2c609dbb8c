/**
 * A colour legend bar for a ColorScaleSpec: SVG gradient with ticks placed by the same normaliser the views use
 * (so a log legend shows decades at the right places). Horizontal or vertical.
 */
import { useId, useMemo } from 'react';
import { formatTick, makeNormalizer, scaleTicks, SCHEMES, type ColorScaleSpec } from './scales';

export interface ColorLegendProps {
  spec: ColorScaleSpec;
  /** Title drawn next to the bar, e.g. "attention weight". */
  title?: string;
  orientation?: 'horizontal' | 'vertical';
  /** Length of the bar in px (default 200). */
  length?: number;
  /** Thickness of the bar in px (default 12). */
  thickness?: number;
  ticks?: number[];
  className?: string;
}

const GRADIENT_STOPS = 32;

export function ColorLegend({
  spec,
  title,
  orientation = 'horizontal',
  length = 200,
  thickness = 12,
  ticks,
  className,
}: ColorLegendProps) {
  const gid = useId().replace(/[^a-zA-Z0-9_-]/g, '');
  const norm = useMemo(() => makeNormalizer(spec.mode, spec.domain), [spec.mode, spec.domain]);
  const tickValues = ticks ?? scaleTicks(spec.mode, spec.domain, orientation === 'horizontal' ? 4 : 5);
  const interp = SCHEMES[spec.scheme].interpolate;
  const stops = Array.from({ length: GRADIENT_STOPS }, (_, i) => i / (GRADIENT_STOPS - 1));
  const horizontal = orientation === 'horizontal';
  const pad = 4;
  const titleSpace = title ? 16 : 0;
  const labelSpace = horizontal ? 14 : 44;
  const width = horizontal ? length + 2 * pad + 16 : thickness + labelSpace + pad + titleSpace;
  const height = horizontal ? titleSpace + thickness + labelSpace + pad : length + 2 * pad;
  const barX = horizontal ? pad + 8 : titleSpace;
  const barY = horizontal ? titleSpace : pad;
  const summary = `${SCHEMES[spec.scheme].label} colour scale, ${spec.mode}, from ${formatTick(spec.domain[0])} to ${formatTick(spec.domain[1])}`;
  return (
    <svg
      className={`color-legend ${className ?? ''}`}
      width={width}
      height={height}
      role="img"
      aria-label={title ? `${title}: ${summary}` : summary}
    >
      <defs>
        <linearGradient id={gid} x1="0" y1={horizontal ? 0 : 1} x2={horizontal ? 1 : 0} y2="0">
          {stops.map((t) => (
            <stop key={t} offset={t} stopColor={interp(t)} />
          ))}
        </linearGradient>
      </defs>
      {title &&
        (horizontal ? (
          <text x={barX} y={11} className="color-legend-title">
            {title}
          </text>
        ) : (
          <text
            transform={`translate(11, ${pad + length / 2}) rotate(-90)`}
            textAnchor="middle"
            className="color-legend-title"
          >
            {title}
          </text>
        ))}
      <rect
        x={barX}
        y={barY}
        width={horizontal ? length : thickness}
        height={horizontal ? thickness : length}
        fill={`url(#${gid})`}
        stroke="rgba(0,0,0,0.25)"
        strokeWidth={0.5}
      />
      {tickValues.map((v) => {
        const t = norm(v);
        if (horizontal) {
          const x = barX + t * length;
          return (
            <g key={v}>
              <line x1={x} x2={x} y1={barY + thickness} y2={barY + thickness + 3} stroke="currentColor" />
              <text x={x} y={barY + thickness + 13} textAnchor="middle" className="color-legend-tick">
                {formatTick(v)}
              </text>
            </g>
          );
        }
        const y = barY + (1 - t) * length;
        return (
          <g key={v}>
            <line x1={barX + thickness} x2={barX + thickness + 3} y1={y} y2={y} stroke="currentColor" />
            <text x={barX + thickness + 5} y={y + 4} className="color-legend-tick">
              {formatTick(v)}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
