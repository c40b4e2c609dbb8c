/**
 * Attention map of one head (or a mean of heads): canvas raster (LUT-coloured, only the visible window at
 * device resolution, drawn by useRasterDraw), token axes, d3-zoom zoom/pan, hover tooltip, prompt/response
 * boundary and the selected token's row/column crosshair (HeatmapLayers), sized by geometry.ts. This file owns
 * the gestures and the keyboard: arrows move the cursor, +/− zoom, 0 resets, Enter selects.
 */
import { select, zoom as d3zoom, zoomIdentity, type ZoomBehavior, type ZoomTransform } from 'd3';
import { useCallback, useEffect, useId, useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { autoDomain, makeLut, ScaleControls, type ScaleMode, type SchemeName } from '../theme';
import { HeatmapExportButtons } from './HeatmapExportButtons';
import { heatmapMargin, NARROW_PX, plotSide } from './geometry';
import { HeatmapAxes, HeatmapMarks, HeatmapSide, HeatmapTooltip } from './HeatmapLayers';
import { cellAt, indexPyramid, quantizeMap, visibleRange } from './raster';
import { useRasterDraw } from './useRasterDraw';
import { useObservedWidth } from '../theme/useWidth';
import './attention.css';

export interface AttentionHeatmapProps {
  /** Row-major [N, N]: row = query t, column = key s. */
  map: Float32Array;
  tokens: string[];
  promptLength: number;
  /** E.g. "Layer 1 · head 2" or "Mean of 3 local heads". */
  title: string;
  subtitle?: string;
  scheme?: SchemeName;
  mode?: ScaleMode;
  onScaleChange?: (next: { scheme: SchemeName; mode: ScaleMode }) => void;
  /** Fixed colour domain; default: autoDomain of the map for the mode. */
  domain?: [number, number];
  /** Visible heading; default `title` (which also names exported figures). */
  heading?: string;
  /** Token highlighted as a row + column crosshair (from any linked view). */
  selectedToken?: number | null;
  /** Token hovered in another linked view: a lighter crosshair. */
  hoveredToken?: number | null;
  /** Query token under the pointer (or keyboard cursor); null when it leaves. */
  onHoverToken?: (position: number | null) => void;
  onSelectToken?: (position: number) => void;
  /** Side of the square plot in CSS px; default: fill the panel's width within the window's height (geometry.ts). */
  size?: number;
  /** Extra controls at the start of the toolbar (e.g. the map picker of AttentionView). */
  toolbarExtra?: ReactNode;
}

/** Largest cell when zoomed in. */
const MAX_CELL_PX = 48;
const SEQUENTIAL: SchemeName[] = ['viridis', 'cividis', 'magma', 'inferno'];

export function AttentionHeatmap(props: AttentionHeatmapProps) {
  const n = props.tokens.length;
  // A map of the wrong size is a bug upstream; say so instead of throwing inside the canvas code.
  if (props.map.length !== n * n) {
    return (
      <section className="chart-panel attention-heatmap attention-empty" data-testid="attention-heatmap" role="alert">
        <p>
          Cannot show “{props.title}”: the map has {props.map.length} values, expected {n} × {n} for {n} tokens.
        </p>
      </section>
    );
  }
  return <HeatmapBody {...props} />;
}

function HeatmapBody(props: AttentionHeatmapProps) {
  const {
    map,
    tokens,
    promptLength,
    title,
    subtitle,
    selectedToken = null,
    hoveredToken = null,
    onHoverToken,
    onSelectToken,
  } = props;
  const n = tokens.length;
  const panelRef = useRef<HTMLElement>(null);
  const clipId = `attention-clip-${useId().replace(/[^a-zA-Z0-9_-]/g, '')}`; // unique per heatmap on the page
  const observedWidth = useObservedWidth(panelRef);
  const panelWidth = observedWidth ?? 800;
  // Until the panel is measured the size is a guess: the canvas waits (no raster drawn twice on mount).
  const sized = props.size !== undefined || observedWidth !== null;
  const MARGIN = useMemo(() => heatmapMargin(tokens), [tokens]);
  const windowHeight = typeof window === 'undefined' ? 900 : window.innerHeight;
  const size = props.size ?? plotSide(n, MARGIN, panelWidth, windowHeight);
  const narrow = panelWidth < NARROW_PX;
  const [ownScale, setOwnScale] = useState<{ scheme: SchemeName; mode: ScaleMode }>({ scheme: 'viridis', mode: 'log' });
  const scheme = props.scheme ?? ownScale.scheme;
  const mode = props.mode ?? ownScale.mode;
  const changeScale = (next: { scheme: SchemeName; mode: ScaleMode }) =>
    props.onScaleChange ? props.onScaleChange(next) : setOwnScale(next);

  const domain = useMemo(() => props.domain ?? autoDomain(map, mode), [props.domain, map, mode]);
  const indices = useMemo(() => quantizeMap(map, n, mode, domain), [map, n, mode, domain]);
  const lut = useMemo(() => makeLut(scheme), [scheme]);
  // Max-pooled levels for zoomed-out views (thin anchor columns stay visible); built once per map/scale.
  const pyramid = useMemo(() => indexPyramid(indices, n, 64), [indices, n]);

  const canvasRef = useRef<HTMLCanvasElement>(null);
  const zoomTarget = useRef<SVGRectElement>(null);
  const zoomRef = useRef<ZoomBehavior<SVGRectElement, unknown>>(null);
  const [transform, setTransform] = useState<ZoomTransform>(zoomIdentity);
  const [hover, setHover] = useState<{ query: number; key: number } | null>(null);

  const base = size / n; // CSS px per cell at zoom 1
  const cellPx = base * transform.k;

  // d3-zoom owns pointer/wheel gestures on the plot; React gets the transform.
  useEffect(() => {
    const el = zoomTarget.current;
    if (!el) return;
    const z = d3zoom<SVGRectElement, unknown>()
      .scaleExtent([1, Math.max(1, MAX_CELL_PX / base)])
      .extent([
        [0, 0],
        [size, size],
      ])
      .translateExtent([
        [0, 0],
        [size, size],
      ])
      .on('zoom', (e: { transform: ZoomTransform }) => setTransform(e.transform));
    zoomRef.current = z;
    select(el).call(z).on('dblclick.zoom', null);
    return () => void select(el).on('.zoom', null);
  }, [base, size]);
  // A new map (another head, another sequence) starts unzoomed.
  useEffect(() => {
    if (zoomTarget.current && zoomRef.current) select(zoomTarget.current).call(zoomRef.current.transform, zoomIdentity);
  }, [n]);

  useRasterDraw({ canvasRef, panelRef, pyramid, lut, transform, base, size, sized });

  const pick = useCallback(
    (clientX: number, clientY: number) => {
      const r = zoomTarget.current!.getBoundingClientRect();
      return cellAt({ x: transform.x, y: transform.y, k: cellPx }, n, clientX - r.left, clientY - r.top);
    },
    [transform, cellPx, n],
  );
  const lastHover = useRef<{ query: number; key: number } | null>(null);
  // Only changes reach React and the linked views (a mousemove inside one cell is not news).
  const setHoverCell = (c: { query: number; key: number } | null) => {
    const prev = lastHover.current;
    if (prev?.query === c?.query && prev?.key === c?.key) return;
    lastHover.current = c;
    setHover(c);
    if (prev?.query !== c?.query) onHoverToken?.(c ? c.query : null);
  };

  const resetZoom = () =>
    zoomTarget.current && zoomRef.current && select(zoomTarget.current).call(zoomRef.current.transform, zoomIdentity);
  const onKeyDown = (e: KeyboardEvent) => {
    const cur = hover ?? { query: selectedToken ?? promptLength, key: selectedToken ?? 0 };
    const moves: Record<string, [number, number]> = {
      ArrowUp: [-1, 0],
      ArrowDown: [1, 0],
      ArrowLeft: [0, -1],
      ArrowRight: [0, 1],
    };
    const z = zoomRef.current;
    const sel = zoomTarget.current ? select(zoomTarget.current) : null;
    if (moves[e.key]) {
      const [dq, dk] = moves[e.key];
      const query = Math.min(n - 1, Math.max(0, cur.query + dq));
      const key = Math.min(query, Math.max(0, cur.key + dk));
      setHoverCell({ query, key });
      // Keep the keyboard cursor on screen: centre it when it leaves the visible window.
      const [r0, r1] = visibleRange(transform.y, cellPx, size, n);
      const [c0, c1] = visibleRange(transform.x, cellPx, size, n);
      if (z && sel && (query < r0 || query > r1 || key < c0 || key > c1))
        sel.call(z.translateTo, (key + 0.5) * base, (query + 0.5) * base);
    } else if ((e.key === '+' || e.key === '=') && z && sel) sel.call(z.scaleBy, 1.5);
    else if (e.key === '-' && z && sel) sel.call(z.scaleBy, 1 / 1.5);
    else if (e.key === '0') resetZoom();
    else if (e.key === 'Enter' && hover) onSelectToken?.(hover.query);
    else return;
    e.preventDefault();
  };

  const rows = visibleRange(transform.y, cellPx, size, n);
  const cols = visibleRange(transform.x, cellPx, size, n);
  const legendSpec = { scheme, mode, domain };
  const w = MARGIN.left + size + MARGIN.right;
  const h = MARGIN.top + size + MARGIN.bottom;

  return (
    <section
      ref={panelRef}
      className="chart-panel attention-heatmap"
      data-testid="attention-heatmap"
      aria-label={`Attention map: ${title}`}
    >
      <div className="chart-toolbar">
        <h3 className="chart-title">{props.heading ?? title}</h3>
        {subtitle && <span className="chart-subtitle">{subtitle}</span>}
        {props.toolbarExtra}
        <span className="chart-spacer" />
        <ScaleControls
          idPrefix={`${clipId}-scale`}
          scheme={scheme}
          mode={mode}
          schemes={SEQUENTIAL}
          onChange={changeScale}
        />
        <HeatmapExportButtons
          map={map}
          indices={indices}
          lut={lut}
          tokens={tokens}
          promptLength={promptLength}
          title={title}
          spec={legendSpec}
          rows={rows}
          cols={cols}
        />
      </div>
      <div className={`attention-body${narrow ? ' is-narrow' : ''}`}>
        <div className="attention-plot" style={{ width: w, height: h }}>
          {/* In the top margin, over the plot's right edge: near the map, and no width taken from the toolbar. */}
          <button
            type="button"
            className="chart-button attention-reset"
            style={{ right: MARGIN.right }}
            onClick={resetZoom}
            disabled={transform.k === 1}
          >
            Reset zoom
          </button>
          <canvas
            ref={canvasRef}
            className="attention-canvas"
            style={{ left: MARGIN.left, top: MARGIN.top, width: size, height: size }}
            aria-hidden="true"
          />
          <svg width={w} height={h} className="attention-overlay">
            <g transform={`translate(${MARGIN.left},${MARGIN.top})`}>
              <HeatmapMarks
                clipId={clipId}
                size={size}
                cellPx={cellPx}
                transform={transform}
                n={n}
                promptLength={promptLength}
                hover={hover}
                hoveredToken={hoveredToken}
                selectedToken={selectedToken}
              />
              <rect
                ref={zoomTarget}
                width={size}
                height={size}
                fill="transparent"
                className="attention-zoom"
                tabIndex={0}
                role="img"
                aria-label={`${title}. ${n} tokens, prompt ${promptLength}. Arrow keys move, plus and minus zoom, 0 resets, Enter selects the query token.`}
                onMouseMove={(e) => setHoverCell(pick(e.clientX, e.clientY))}
                onMouseLeave={() => setHoverCell(null)}
                onClick={(e) => {
                  const c = pick(e.clientX, e.clientY);
                  if (c) onSelectToken?.(c.query);
                }}
                onKeyDown={onKeyDown}
              />
              <HeatmapAxes
                tokens={tokens}
                size={size}
                cellPx={cellPx}
                transform={transform}
                promptLength={promptLength}
                rows={rows}
                cols={cols}
                margin={MARGIN}
              />
            </g>
          </svg>
          {hover && (
            <HeatmapTooltip
              hover={hover}
              map={map}
              tokens={tokens}
              promptLength={promptLength}
              transform={transform}
              cellPx={cellPx}
              size={size}
              margin={MARGIN}
            />
          )}
        </div>
        <HeatmapSide
          legendSpec={legendSpec}
          size={size}
          n={n}
          promptLength={promptLength}
          transform={transform}
          rows={rows}
          cols={cols}
          narrow={narrow}
        />
      </div>
    </section>
  );
}
