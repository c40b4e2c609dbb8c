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
import {
  classCounts,
  defaultLayersPerPage,
  formatSpan,
  galleryHeads,
  kvGroupSize,
  layerPages,
  thumbnailTile,
  type GalleryHead,
  type HeadSelection,
} from './heads';
import { GalleryExportButtons } from './GalleryExportButtons';
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

const BADGE: Record<HeadClass, string> = { local: 'L', global: 'G', neither: '·' };
// Fixed geometry (CSS px) so the single thumbnail canvas lines up with the grid cells.
const ROWHEAD_W = 40;
const HEADER_H = 18;
const CELL_PAD_X = 6;
const CELL_PAD_TOP = 5;
const CAPTION_H = 18;
const KV_H = 14;
const RECEIVER_COLOR = '#009E73';

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
  const [badLayers, setBadLayers] = useState<number[]>([]);
  const cellRefs = useRef(new Map<number, HTMLButtonElement>());
  const [focus, setFocus] = useState(() => (selected ? selected.layer * numHeads + selected.head : 0));
  const pitchX = cellSize + 2 * CELL_PAD_X;
  const pitchY = cellSize + CELL_PAD_TOP + CAPTION_H;
  const gridW = ROWHEAD_W + numHeads * pitchX;
  const gridH = HEADER_H + kvH + rows * pitchY;

  // One canvas over the whole grid (pointer-events: none): a thousand small canvases cost seconds to create.
  // Drawn a few layer rows per animation frame (≤ ~8 ms each), so a big model's gallery is never one long task.
  useEffect(() => {
    const canvas = canvasRef.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx || !sized) return;
    const dpr = window.devicePixelRatio || 1;
    const W = Math.round(gridW * dpr),
      Hpx = Math.round(gridH * dpr);
    if (canvas.width !== W || canvas.height !== Hpx) {
      canvas.width = W;
      canvas.height = Hpx;
    } else ctx.clearRect(0, 0, W, Hpx);
    const side = Math.round(cellSize * dpr);
    const rowImg = ctx.createImageData(W, side); // one layer's thumbnails; the gaps stay transparent
    const tile = new Uint8ClampedArray(side * side * 4);
    const bad: number[] = [];
    let layer = start,
      drawMs = 0,
      frame = 0;
    const drawLayer = (l: number) => {
      const thumb = thumbnails.get(l);
      if (!thumb) return;
      if (thumb.data.length !== numHeads * thumb.size * thumb.size) {
        bad.push(l);
        return;
      } // drawn empty, reported below
      for (let h = 0; h < numHeads; h++) {
        thumbnailTile(thumb, h, lut, mode, side, tile);
        const x0 = Math.round((ROWHEAD_W + h * pitchX + CELL_PAD_X) * dpr);
        for (let y = 0; y < side; y++)
          rowImg.data.set(tile.subarray(y * side * 4, (y + 1) * side * 4), (y * W + x0) * 4);
      }
      ctx.putImageData(rowImg, 0, Math.round((HEADER_H + kvH + (l - start) * pitchY + CELL_PAD_TOP) * dpr));
    };
    const slice = () => {
      const t0 = performance.now();
      do drawLayer(layer++);
      while (layer < end && performance.now() - t0 < 8);
      drawMs += performance.now() - t0;
      if (layer < end) {
        frame = requestAnimationFrame(slice);
        return;
      }
      setBadLayers((prev) => (prev.join() === bad.join() ? prev : bad));
      scrollRef.current?.parentElement?.setAttribute('data-draw-ms', drawMs.toFixed(2));
    };
    if (end > start) frame = requestAnimationFrame(slice);
    return () => cancelAnimationFrame(frame);
  }, [thumbnails, lut, mode, numLayers, numHeads, cellSize, gridW, gridH, pitchX, pitchY, sized, start, end, kvH]);

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

interface HeadCellProps {
  g: GalleryHead;
  size: number;
  /** First query head of a key/value group (a separator on its left). */
  kvStart?: boolean;
  tabIndex: number;
  active: boolean;
  buttonRef: (b: HTMLButtonElement | null) => void;
  onFocus: () => void;
  onSelect: () => void;
}

function HeadCell({ g, size, kvStart, tabIndex, active, buttonRef, onFocus, onSelect }: HeadCellProps) {
  const compact = size < 40;
  const label = `Layer ${g.layer}, head ${g.head}: ${g.cls}${g.alsoGlobal ? ' and global' : ''} head${g.receiver ? ', receiver' : ''}, span d ${formatSpan(g.d)}`;
  return (
    <span role="gridcell" className={`gallery-cell${kvStart ? ' gallery-kv-start' : ''}`}>
      <button
        ref={buttonRef}
        type="button"
        tabIndex={tabIndex}
        className={`gallery-button gallery-${g.cls}${active ? ' gallery-active' : ''}`}
        aria-label={label}
        aria-pressed={active}
        title={label}
        onFocus={onFocus}
        onClick={onSelect}
        style={{ ['--cls-color' as string]: HEAD_CLASS_COLORS[g.cls] }}
      >
        <span
          className="gallery-thumb"
          style={{ left: CELL_PAD_X, top: CELL_PAD_TOP, width: size, height: size }}
          aria-hidden="true"
        />
        <span
          className={`gallery-caption${compact ? ' gallery-caption-compact' : ''}`}
          style={{ left: CELL_PAD_X, top: CELL_PAD_TOP + size + 1, width: size + CELL_PAD_X - 1 }}
          aria-hidden="true"
        >
          {!(compact && g.cls === 'neither') && (
            <span
              className={`head-badge head-badge-${g.cls}`}
              style={{ background: g.cls === 'neither' ? undefined : HEAD_CLASS_COLORS[g.cls] }}
            >
              {BADGE[g.cls]}
            </span>
          )}
          {g.alsoGlobal && (
            <span className="head-badge head-badge-global" style={{ background: HEAD_CLASS_COLORS.global }}>
              G
            </span>
          )}
          {g.receiver && (
            <span className="head-badge head-badge-receiver" style={{ background: RECEIVER_COLOR }}>
              R
            </span>
          )}
          <span className="gallery-d">{formatSpan(g.d, compact)}</span>
        </span>
      </button>
    </span>
  );
}
