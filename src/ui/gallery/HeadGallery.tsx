/**
 * Every head of every layer as a thumbnail (L rows × H columns), labelled with span d and class badge (local,
 * global, receiver); selected layers highlighted; heads that share a key/value head (grouped-query attention) are
 * grouped under a kv label. Big models are paged by layers (8 per page above 12 layers: 28 × 16 heads show 128 at a
 * time). One canvas over the page holds its thumbnails, drawn a few rows per frame from the shared LUT.
 * Keyboard: one tab stop (roving tabindex), arrows move, PageUp / PageDown change the layer page, Enter / Space opens the head.
 */
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { Thumbnail } from '../../core/rhythm';
import {
  HEAD_CLASS_COLORS,
  HEAD_CLASS_LABELS,
  makeLut,
  type HeadClass,
  type ScaleMode,
  type SchemeName,
} from '../theme';
import { classCounts, defaultLayersPerPage, galleryHeads, kvGroupSize, layerPages, type HeadSelection } from './heads';
import { GalleryExportButtons } from './GalleryExportButtons';
import { BADGE, CAPTION_H, CELL_PAD_TOP, CELL_PAD_X, HEADER_H, KV_H, RECEIVER_COLOR, ROWHEAD_W } from './geometry';
import { HeadCell } from './HeadCell';
import { useThumbnailCanvas } from './useThumbnailCanvas';
import { Term } from '../glossary/Term';
import { useObservedWidth } from '../theme/useWidth';
import './gallery.css';

export interface HeadGalleryProps {
  numLayers: number;
  numHeads: number;
  /** layer → [H, size, size] thumbnails (HeadCache.thumbnails). Missing layers draw as empty tiles. */
  thumbnails: Map<number, Thumbnail>;
  /** The record's layers + heads (local / global / span). */
  selection: HeadSelection;
  /** layer → [H] span d of every head (HeadCache.layers' span), for layers outside the selection. */
  spans?: Map<number, ArrayLike<number>>;
  /** Head shown in the attention map. */
  selected?: { layer: number; head: number } | null;
  onSelectHead?: (layer: number, head: number) => void;
  scheme?: SchemeName;
  mode?: ScaleMode;
  /** Thumbnail side in CSS px (default: 56, or smaller for big models). */
  cellSize?: number;
  /** Key/value heads of the model (grouped-query attention when smaller than numHeads). */
  numKvHeads?: number;
  /** Layers per page (default: all up to 12 layers, else 8). */
  layersPerPage?: number;
}

export function HeadGallery(props: HeadGalleryProps) {
  const {
    numLayers,
    numHeads,
    thumbnails,
    selection,
    spans,
    selected = null,
    onSelectHead,
    scheme = 'viridis',
    mode = 'sqrt',
    numKvHeads,
  } = props;
  const pages = useMemo(
    () => layerPages(numLayers, props.layersPerPage ?? defaultLayersPerPage(numLayers)),
    [numLayers, props.layersPerPage],
  );
  const pageOfLayer = (l: number) =>
    Math.max(
      0,
      pages.findIndex(([a, b]) => l >= a && l < b),
    );
  const [page, setPage] = useState(() => (selected ? pageOfLayer(selected.layer) : 0));
  const current = Math.min(page, pages.length - 1);
  const [start, end] = pages[current];
  const rows = end - start;
  const group = kvGroupSize(numHeads, numKvHeads);
  const kvH = group > 1 ? KV_H : 0;
  useEffect(() => {
    if (selected) setPage(pageOfLayer(selected.layer));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [selected?.layer, pages]);
  const scrollRef = useRef<HTMLDivElement>(null);
  const observedWidth = useObservedWidth(scrollRef);
  const width = observedWidth ?? 1000;
  // The thumbnails wait for the measured width (the cell size depends on it): drawn once, not twice, on mount.
  const sized = props.cellSize !== undefined || observedWidth !== null;
  // Fit the container when possible (24–64 px thumbnails); wider grids scroll horizontally.
  const cellSize =
    props.cellSize ?? Math.max(24, Math.min(64, Math.floor((width - ROWHEAD_W) / numHeads) - 2 * CELL_PAD_X));
  const grid = useMemo(
    () => galleryHeads(selection, numLayers, numHeads, spans, numKvHeads),
    [selection, numLayers, numHeads, spans, numKvHeads],
  );
  const counts = useMemo(() => classCounts(grid), [grid]);
  const receivers = selection.heads.receiver?.length ?? 0;
  const lut = useMemo(() => makeLut(scheme), [scheme]);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const cellRefs = useRef(new Map<number, HTMLButtonElement>());
  const [focus, setFocus] = useState(() => (selected ? selected.layer * numHeads + selected.head : 0));
  const pitchX = cellSize + 2 * CELL_PAD_X;
  const pitchY = cellSize + CELL_PAD_TOP + CAPTION_H;
  const gridW = ROWHEAD_W + numHeads * pitchX;
  const gridH = HEADER_H + kvH + rows * pitchY;

  const badLayers = useThumbnailCanvas({
    canvasRef,
    panelRef: scrollRef,
    thumbnails,
    lut,
    mode,
    numHeads,
    cellSize,
    gridW,
    gridH,
    pitchX,
    pitchY,
    kvH,
    start,
    end,
    sized,
  });

  const goToPage = (p: number) => {
    const next = Math.max(0, Math.min(pages.length - 1, p));
    setPage(next);
    setFocus(pages[next][0] * numHeads + (focus % numHeads));
  };

  const move = (e: KeyboardEvent) => {
    const l = Math.floor(focus / numHeads),
      h = focus % numHeads;
    const steps: Record<string, [number, number]> = {
      ArrowUp: [-1, 0],
      ArrowDown: [1, 0],
      ArrowLeft: [0, -1],
      ArrowRight: [0, 1],
      Home: [0, -h],
      End: [0, numHeads - 1 - h],
    };
    if (e.key === 'PageUp' || e.key === 'PageDown') {
      e.preventDefault();
      goToPage(current + (e.key === 'PageDown' ? 1 : -1));
      return;
    }
    const st = steps[e.key];
    if (!st) return;
    e.preventDefault();
    const nl = Math.min(end - 1, Math.max(start, l + st[0]));
    const nh = Math.min(numHeads - 1, Math.max(0, h + st[1]));
    const next = nl * numHeads + nh;
    setFocus(next);
    cellRefs.current.get(next)?.focus();
  };

  return (
    <section className="chart-panel head-gallery" data-testid="head-gallery" aria-label="Head gallery">
      <div className="chart-toolbar">
        <h3 className="chart-title">Heads</h3>
        <span className="chart-subtitle">
          {numLayers} layers × {numHeads} heads · <Term id="span">span d</Term> = mean attention distance
        </span>
        <span className="chart-spacer" />
        <span className="gallery-legend" aria-label="Head classes">
          {(['local', 'global', 'neither'] as HeadClass[]).map((c) => (
            <span key={c} className="gallery-legend-item">
              <span
                className={`head-badge head-badge-${c}`}
                style={{ background: c === 'neither' ? undefined : HEAD_CLASS_COLORS[c] }}
              >
                {BADGE[c]}
              </span>
              <Term id={c}>{HEAD_CLASS_LABELS[c]}</Term> <span className="gallery-count">{counts[c]}</span>
            </span>
          ))}
          <span className="gallery-legend-item">
            <span className="head-badge" style={{ background: RECEIVER_COLOR }}>
              R
            </span>
            <Term id="receiver">receiver</Term> <span className="gallery-count">{receivers}</span>
          </span>
          <span className="gallery-legend-item">
            <span className="gallery-layer-swatch" /> selected layers
          </span>
          {group > 1 && (
            <span className="gallery-legend-item" data-testid="gallery-kv-note">
              {numKvHeads} KV heads · {group} query heads each
            </span>
          )}
        </span>
        <GalleryExportButtons grid={grid} thumbnails={thumbnails} lut={lut} mode={mode} />
      </div>
      {badLayers.length > 0 && (
        <p className="gallery-warning" role="alert">
          Thumbnails of layer{badLayers.length > 1 ? 's' : ''} {badLayers.join(', ')} do not have {numHeads} heads of
          square size; not drawn.
        </p>
      )}
      {pages.length > 1 && (
        <div className="gallery-pages" data-testid="gallery-pages" role="group" aria-label="Layer pages">
          <span className="chart-subtitle">layers</span>
          {pages.map(([a, b], i) => (
            <button
              key={a}
              type="button"
              className="chart-button gallery-page"
              data-testid="gallery-page"
              aria-pressed={i === current}
              onClick={() => goToPage(i)}
              title={grid.slice(a, b).some((r) => r[0]?.selectedLayer) ? 'holds candidate layers' : undefined}
            >
              {a}–{b - 1}
              {grid.slice(a, b).some((r) => r[0]?.selectedLayer) ? ' •' : ''}
            </button>
          ))}
        </div>
      )}
      <div className="gallery-scroll" ref={scrollRef}>
        <div
          className="gallery-grid"
          role="grid"
          aria-rowcount={numLayers}
          aria-colcount={numHeads}
          onKeyDown={move}
          style={{
            width: gridW,
            gridTemplateColumns: `${ROWHEAD_W}px repeat(${numHeads}, ${pitchX}px)`,
            gridTemplateRows: `${HEADER_H}px${kvH ? ` ${kvH}px` : ''} repeat(${rows}, ${pitchY}px)`,
          }}
        >
          <canvas
            ref={canvasRef}
            className="gallery-canvas"
            style={{ width: gridW, height: gridH }}
            aria-hidden="true"
          />
          <div role="row" className="gallery-row gallery-head-row">
            <span role="columnheader" className="gallery-corner">
              layer
            </span>
            {Array.from({ length: numHeads }, (_, h) => (
              <span
                role="columnheader"
                key={h}
                className={`gallery-colhead${group > 1 && h % group === 0 && h > 0 ? ' gallery-kv-start' : ''}`}
              >
                h{h}
              </span>
            ))}
          </div>
          {group > 1 && (
            <div role="row" className="gallery-row gallery-kv-row">
              <span className="gallery-corner" title="key/value head shared by these query heads">
                kv
              </span>
              {Array.from({ length: numHeads / group }, (_, g) => (
                <span
                  key={g}
                  className="gallery-kv-label"
                  data-testid="gallery-kv-group"
                  style={{ gridColumn: `span ${group}` }}
                  title={`query heads ${g * group}–${(g + 1) * group - 1} read key/value head ${g}`}
                >
                  kv{g}
                </span>
              ))}
            </div>
          )}
          {grid
            .slice(start, end)
            .map((row, i) => [row, start + i] as const)
            .map(([row, l]) => (
              <div
                role="row"
                key={l}
                aria-rowindex={l + 1}
                className={`gallery-row${row[0]?.selectedLayer ? ' gallery-row-selected' : ''}`}
              >
                <span
                  role="rowheader"
                  className="gallery-rowhead"
                  title={row[0]?.selectedLayer ? 'candidate layer for local/global heads' : undefined}
                >
                  L{l}
                </span>
                {row.map((g) => (
                  <HeadCell
                    key={g.head}
                    g={g}
                    size={cellSize}
                    kvStart={group > 1 && g.head % group === 0 && g.head > 0}
                    tabIndex={focus === l * numHeads + g.head ? 0 : -1}
                    active={selected?.layer === l && selected?.head === g.head}
                    buttonRef={(b) => {
                      if (b) cellRefs.current.set(l * numHeads + g.head, b);
                      else cellRefs.current.delete(l * numHeads + g.head);
                    }}
                    onFocus={() => setFocus(l * numHeads + g.head)}
                    onSelect={() => onSelectHead?.(l, g.head)}
                  />
                ))}
              </div>
            ))}
        </div>
      </div>
    </section>
  );
}
