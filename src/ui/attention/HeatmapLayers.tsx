/**
 * The SVG and HTML layers over the heatmap's canvas: the prompt | response boundary, the hovered and selected
 * tokens' crosshairs, the hovered cell, the token axes, the hover tooltip, and the legend + facts column.
 * Pure rendering from the zoom transform; the gestures stay in AttentionHeatmap.
 */
import type { ZoomTransform } from 'd3';
import { ColorLegend, OVERLAY, type ScaleMode, type SchemeName } from '../theme';
import { displayToken } from '../figures/text';
import { TOKEN_LABEL_MIN_PX, tokenTicks } from './axes';
import type { Margin } from './geometry';

export interface Cell {
  query: number;
  key: number;
}

interface PlotGeometry {
  /** Side of the square plot (CSS px), CSS px per cell at the current zoom, and the zoom transform. */
  size: number;
  cellPx: number;
  transform: ZoomTransform;
  n: number;
  promptLength: number;
}

/** Boundary lines, crosshairs and the hovered cell, clipped to the plot. */
export function HeatmapMarks({
  clipId,
  size,
  cellPx,
  transform,
  n,
  promptLength,
  hover,
  hoveredToken,
  selectedToken,
}: PlotGeometry & { clipId: string; hover: Cell | null; hoveredToken: number | null; selectedToken: number | null }) {
  const boundary = transform.x + promptLength * cellPx; // same offset on both axes (square zoom)
  const boundaryY = transform.y + promptLength * cellPx;
  return (
    <>
      <clipPath id={clipId}>
        <rect width={size} height={size} />
      </clipPath>
      <g clipPath={`url(#${clipId})`} pointerEvents="none">
        {promptLength > 0 && promptLength < n && (
          <g className="attention-boundary">
            <line x1={boundary} x2={boundary} y1={0} y2={size} stroke={OVERLAY.boundaryHalo} strokeWidth={3} />
            <line x1={0} x2={size} y1={boundaryY} y2={boundaryY} stroke={OVERLAY.boundaryHalo} strokeWidth={3} />
            <line
              x1={boundary}
              x2={boundary}
              y1={0}
              y2={size}
              stroke={OVERLAY.boundary}
              strokeWidth={1}
              strokeDasharray="4 3"
            />
            <line
              x1={0}
              x2={size}
              y1={boundaryY}
              y2={boundaryY}
              stroke={OVERLAY.boundary}
              strokeWidth={1}
              strokeDasharray="4 3"
            />
          </g>
        )}
        {hoveredToken !== null && hoveredToken !== selectedToken && hoveredToken >= 0 && hoveredToken < n && !hover && (
          <g
            className="attention-crosshair-hover"
            fill="none"
            stroke={OVERLAY.hover}
            strokeWidth={1}
            strokeDasharray="3 2"
          >
            <rect x={0} y={transform.y + hoveredToken * cellPx} width={size} height={Math.max(cellPx, 1.5)} />
            <rect x={transform.x + hoveredToken * cellPx} y={0} width={Math.max(cellPx, 1.5)} height={size} />
          </g>
        )}
        {selectedToken !== null && selectedToken >= 0 && selectedToken < n && (
          <g className="attention-crosshair" fill="none" stroke={OVERLAY.crosshair} strokeWidth={1.5}>
            <rect x={0} y={transform.y + selectedToken * cellPx} width={size} height={Math.max(cellPx, 1.5)} />
            <rect x={transform.x + selectedToken * cellPx} y={0} width={Math.max(cellPx, 1.5)} height={size} />
          </g>
        )}
        {hover && (
          <rect
            x={transform.x + hover.key * cellPx - 1}
            y={transform.y + hover.query * cellPx - 1}
            width={Math.max(cellPx, 2) + 2}
            height={Math.max(cellPx, 2) + 2}
            fill="none"
            stroke={OVERLAY.hover}
            strokeWidth={1.5}
          />
        )}
      </g>
    </>
  );
}

/** Token (or position) ticks on both axes, for the visible rows and columns, and the axis titles. */
export function HeatmapAxes({
  tokens,
  size,
  cellPx,
  transform,
  promptLength,
  rows,
  cols,
  margin,
}: Omit<PlotGeometry, 'n'> & { tokens: string[]; rows: [number, number]; cols: [number, number]; margin: Margin }) {
  const yTicks = tokenTicks(tokens, rows[0], rows[1], transform.y, cellPx, size);
  const xTicks = tokenTicks(tokens, cols[0], cols[1], transform.x, cellPx, size);
  const inPlot = (v: number) => v >= 0 && v <= size;
  const MARGIN = margin;
  return (
    <>
      <g className="axis axis-y" pointerEvents="none">
        {yTicks
          .filter((t) => inPlot(t.px))
          .map((t) => (
            <g key={t.index} transform={`translate(0,${t.px})`}>
              <line x2={-4} stroke="currentColor" />
              <text x={-7} dy="0.32em" textAnchor="end" className={tickClass(t.index, promptLength, cellPx)}>
                {t.label}
              </text>
            </g>
          ))}
      </g>
      <g className="axis axis-x" transform={`translate(0,${size})`} pointerEvents="none">
        {xTicks
          .filter((t) => inPlot(t.px))
          .map((t) => (
            <g key={t.index} transform={`translate(${t.px},0)`}>
              <line y2={4} stroke="currentColor" />
              {cellPx >= TOKEN_LABEL_MIN_PX ? (
                <text
                  transform="translate(0,7) rotate(-60)"
                  dy="0.32em"
                  textAnchor="end"
                  className={tickClass(t.index, promptLength, cellPx)}
                >
                  {t.label}
                </text>
              ) : (
                <text y={16} textAnchor="middle">
                  {t.label}
                </text>
              )}
            </g>
          ))}
      </g>
      {/* Under the position numbers, or at the margin's foot when the turned token labels fill it. */}
      <text
        className="axis-title"
        x={size / 2}
        y={size + (cellPx >= TOKEN_LABEL_MIN_PX ? MARGIN.bottom - 6 : 36)}
        textAnchor="middle"
      >
        key position s (attended to)
      </text>
      {/* Above the row labels rather than turned along them: the title takes no width from the plot. */}
      <text className="axis-title" x={-MARGIN.left} y={-8}>
        query position t ↓
      </text>
    </>
  );
}

/** Query, key and weight of the hovered cell, placed next to it inside the plot. */
export function HeatmapTooltip({
  hover,
  map,
  tokens,
  promptLength,
  transform,
  cellPx,
  size,
  margin,
}: {
  hover: Cell;
  map: Float32Array;
  tokens: string[];
  promptLength: number;
  transform: ZoomTransform;
  cellPx: number;
  size: number;
  margin: Margin;
}) {
  const weight = map[hover.query * tokens.length + hover.key];
  const MARGIN = margin;
  return (
    <div className="chart-tooltip" role="status" style={tooltipPos(hover, transform, cellPx, size, MARGIN)}>
      <div>
        <span className="muted">query</span> {hover.query}{' '}
        <span className="tok">{displayToken(tokens[hover.query] ?? '', 24)}</span>{' '}
        {hover.query < promptLength ? <span className="muted">prompt</span> : null}
      </div>
      <div>
        <span className="muted">key</span> {hover.key}{' '}
        <span className="tok">{displayToken(tokens[hover.key] ?? '', 24)}</span>{' '}
        {hover.key < promptLength ? <span className="muted">prompt</span> : null}
      </div>
      <div>
        <span className="muted">weight</span>{' '}
        <span className="num">{hover.key > hover.query ? 'masked (future)' : weight.toPrecision(4)}</span>{' '}
        <span className="muted">distance {hover.query - hover.key}</span>
      </div>
    </div>
  );
}

/**
 * The colour legend, the map's facts (tokens, prompt, zoom, visible rows / columns) and a usage hint: a column
 * beside the plot, or (narrow panel) a row under it with a horizontal legend, so it stays on the first screen.
 */
export function HeatmapSide({
  legendSpec,
  size,
  n,
  promptLength,
  transform,
  rows,
  cols,
  narrow = false,
}: {
  legendSpec: { scheme: SchemeName; mode: ScaleMode; domain: [number, number] };
  size: number;
  n: number;
  promptLength: number;
  transform: ZoomTransform;
  rows: [number, number];
  cols: [number, number];
  narrow?: boolean;
}) {
  return (
    <div className="attention-side">
      <div className="attention-legend">
        <ColorLegend
          spec={legendSpec}
          title="attention weight"
          orientation={narrow ? 'horizontal' : 'vertical'}
          length={narrow ? Math.min(200, size - 60) : Math.min(240, size - 40)}
        />
        <p className="attention-hint">Scroll to zoom, drag to pan. Dashed lines: prompt | response.</p>
      </div>
      <dl className="attention-facts">
        <dt>tokens</dt>
        <dd>{n}</dd>
        <dt>prompt</dt>
        <dd>0–{promptLength - 1}</dd>
        <dt>zoom</dt>
        <dd>{transform.k.toFixed(1)}×</dd>
        <dt>queries</dt>
        <dd>
          {rows[0]}–{rows[1]}
        </dd>
        <dt>keys</dt>
        <dd>
          {cols[0]}–{cols[1]}
        </dd>
      </dl>
    </div>
  );
}

/** Token labels: prompt tokens greyed, response tokens dark; numeric ticks keep the plain axis style. */
function tickClass(index: number, promptLength: number, cellPx: number): string | undefined {
  if (cellPx < TOKEN_LABEL_MIN_PX) return undefined;
  return index >= promptLength ? 'tick-token tick-response' : 'tick-token tick-prompt';
}

/** The tooltip beside the hovered cell, flipped left / up near the plot's right and bottom edges. */
function tooltipPos(c: Cell, t: ZoomTransform, cellPx: number, size: number, MARGIN: Margin) {
  const x = MARGIN.left + t.x + (c.key + 1) * cellPx + 12;
  const y = MARGIN.top + t.y + c.query * cellPx + 12;
  return { left: x > size - 150 ? x - 260 - cellPx : x, top: y > size - 60 ? y - 90 : y };
}
