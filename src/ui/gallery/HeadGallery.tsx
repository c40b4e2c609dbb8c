/**
 * Every head of every layer as a thumbnail (L rows × H columns), labelled with span d and class badge;
 * selected layers highlighted. One canvas over the grid holds every thumbnail, drawn in one pass from the shared LUT.
 * Keyboard: one tab stop (roving tabindex), arrows move, Enter / Space opens the head.
 */
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { Thumbnail } from '../../core/rhythm';
import { HEAD_CLASS_COLORS, HEAD_CLASS_LABELS, makeLut, type HeadClass, type ScaleMode, type SchemeName } from '../theme';
import { classCounts, formatSpan, galleryHeads, thumbnailTile, type GalleryHead, type HeadSelection } from './heads';
import { GalleryExportButtons } from './GalleryExportButtons';
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
}

const BADGE: Record<HeadClass, string> = { local: 'L', global: 'G', neither: '·' };
// Fixed geometry (CSS px) so the single thumbnail canvas lines up with the grid cells.
const ROWHEAD_W = 40;
const HEADER_H = 18;
const CELL_PAD_X = 6;
const CELL_PAD_TOP = 5;
const CAPTION_H = 18;

export function HeadGallery(props: HeadGalleryProps) {
  const { numLayers, numHeads, thumbnails, selection, spans, selected = null, onSelectHead, scheme = 'viridis', mode = 'sqrt' } = props;
  const scrollRef = useRef<HTMLDivElement>(null);
  const observedWidth = useObservedWidth(scrollRef);
  const width = observedWidth ?? 1000;
  // The thumbnails wait for the measured width (the cell size depends on it): drawn once, not twice, on mount.
  const sized = props.cellSize !== undefined || observedWidth !== null;
  // Fit the container when possible (24–64 px thumbnails); wider grids scroll horizontally.
  const cellSize = props.cellSize ?? Math.max(24, Math.min(64, Math.floor((width - ROWHEAD_W) / numHeads) - 2 * CELL_PAD_X));
  const grid = useMemo(() => galleryHeads(selection, numLayers, numHeads, spans), [selection, numLayers, numHeads, spans]);
  const counts = useMemo(() => classCounts(grid), [grid]);
  const lut = useMemo(() => makeLut(scheme), [scheme]);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [badLayers, setBadLayers] = useState<number[]>([]);
  const cellRefs = useRef(new Map<number, HTMLButtonElement>());
  const [focus, setFocus] = useState(() => (selected ? selected.layer * numHeads + selected.head : 0));
  const pitchX = cellSize + 2 * CELL_PAD_X;
  const pitchY = cellSize + CELL_PAD_TOP + CAPTION_H;
  const gridW = ROWHEAD_W + numHeads * pitchX;
  const gridH = HEADER_H + numLayers * pitchY;

  // One canvas over the whole grid (pointer-events: none): a thousand small canvases cost seconds to create.
  // Drawn a few layer rows per animation frame (≤ ~8 ms each), so a big model's gallery is never one long task.
  useEffect(() => {
    const canvas = canvasRef.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx || !sized) return;
    const dpr = window.devicePixelRatio || 1;
    const W = Math.round(gridW * dpr), Hpx = Math.round(gridH * dpr);
    if (canvas.width !== W || canvas.height !== Hpx) { canvas.width = W; canvas.height = Hpx; }
    else ctx.clearRect(0, 0, W, Hpx);
    const side = Math.round(cellSize * dpr);
    const rowImg = ctx.createImageData(W, side); // one layer's thumbnails; the gaps stay transparent
    const tile = new Uint8ClampedArray(side * side * 4);
    const bad: number[] = [];
    let layer = 0, drawMs = 0, frame = 0;
    const drawLayer = (l: number) => {
      const thumb = thumbnails.get(l);
      if (!thumb) return;
      if (thumb.data.length !== numHeads * thumb.size * thumb.size) { bad.push(l); return; } // drawn empty, reported below
      for (let h = 0; h < numHeads; h++) {
        thumbnailTile(thumb, h, lut, mode, side, tile);
        const x0 = Math.round((ROWHEAD_W + h * pitchX + CELL_PAD_X) * dpr);
        for (let y = 0; y < side; y++) rowImg.data.set(tile.subarray(y * side * 4, (y + 1) * side * 4), (y * W + x0) * 4);
      }
      ctx.putImageData(rowImg, 0, Math.round((HEADER_H + l * pitchY + CELL_PAD_TOP) * dpr));
    };
    const slice = () => {
      const t0 = performance.now();
      do drawLayer(layer++); while (layer < numLayers && performance.now() - t0 < 8);
      drawMs += performance.now() - t0;
      if (layer < numLayers) { frame = requestAnimationFrame(slice); return; }
      setBadLayers((prev) => (prev.join() === bad.join() ? prev : bad));
      scrollRef.current?.parentElement?.setAttribute('data-draw-ms', drawMs.toFixed(2));
    };
    if (numLayers > 0) frame = requestAnimationFrame(slice);
    return () => cancelAnimationFrame(frame);
  }, [thumbnails, lut, mode, numLayers, numHeads, cellSize, gridW, gridH, pitchX, pitchY, sized]);

  const move = (e: KeyboardEvent) => {
    const l = Math.floor(focus / numHeads), h = focus % numHeads;
    const steps: Record<string, [number, number]> = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1], Home: [0, -h], End: [0, numHeads - 1 - h] };
    const st = steps[e.key];
    if (!st) return;
    e.preventDefault();
    const nl = Math.min(numLayers - 1, Math.max(0, l + st[0]));
    const nh = Math.min(numHeads - 1, Math.max(0, h + st[1]));
    const next = nl * numHeads + nh;
    setFocus(next);
    cellRefs.current.get(next)?.focus();
  };

  return (
    <section className="chart-panel head-gallery" data-testid="head-gallery" aria-label="Head gallery">
      <div className="chart-toolbar">
        <h3 className="chart-title">Heads</h3>
        <span className="chart-subtitle">{numLayers} layers × {numHeads} heads · span d = mean attention distance</span>
        <span className="chart-spacer" />
        <span className="gallery-legend" aria-label="Head classes">
          {(['local', 'global', 'neither'] as HeadClass[]).map((c) => (
            <span key={c} className="gallery-legend-item">
              <span className={`head-badge head-badge-${c}`} style={{ background: c === 'neither' ? undefined : HEAD_CLASS_COLORS[c] }}>{BADGE[c]}</span>
              {HEAD_CLASS_LABELS[c]} <span className="gallery-count">{counts[c]}</span>
            </span>
          ))}
          <span className="gallery-legend-item"><span className="gallery-layer-swatch" /> selected layers</span>
        </span>
        <GalleryExportButtons grid={grid} thumbnails={thumbnails} lut={lut} mode={mode} />
      </div>
      {badLayers.length > 0 && <p className="gallery-warning" role="alert">Thumbnails of layer{badLayers.length > 1 ? 's' : ''} {badLayers.join(', ')} do not have {numHeads} heads of square size; not drawn.</p>}
      <div className="gallery-scroll" ref={scrollRef}>
        <div className="gallery-grid" role="grid" aria-rowcount={numLayers} aria-colcount={numHeads} onKeyDown={move}
          style={{ width: gridW, gridTemplateColumns: `${ROWHEAD_W}px repeat(${numHeads}, ${pitchX}px)`, gridTemplateRows: `${HEADER_H}px repeat(${numLayers}, ${pitchY}px)` }}>
          <canvas ref={canvasRef} className="gallery-canvas" style={{ width: gridW, height: gridH }} aria-hidden="true" />
          <div role="row" className="gallery-row gallery-head-row">
            <span role="columnheader" className="gallery-corner">layer</span>
            {Array.from({ length: numHeads }, (_, h) => <span role="columnheader" key={h} className="gallery-colhead">h{h}</span>)}
          </div>
          {grid.map((row, l) => (
            <div role="row" key={l} className={`gallery-row${row[0]?.selectedLayer ? ' gallery-row-selected' : ''}`}>
              <span role="rowheader" className="gallery-rowhead" title={row[0]?.selectedLayer ? 'candidate layer for local/global heads' : undefined}>L{l}</span>
              {row.map((g) => (
                <HeadCell key={g.head} g={g} size={cellSize} tabIndex={focus === l * numHeads + g.head ? 0 : -1}
                  active={selected?.layer === l && selected?.head === g.head}
                  buttonRef={(b) => { if (b) cellRefs.current.set(l * numHeads + g.head, b); else cellRefs.current.delete(l * numHeads + g.head); }}
                  onFocus={() => setFocus(l * numHeads + g.head)}
                  onSelect={() => onSelectHead?.(l, g.head)} />
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
  tabIndex: number;
  active: boolean;
  buttonRef: (b: HTMLButtonElement | null) => void;
  onFocus: () => void;
  onSelect: () => void;
}

function HeadCell({ g, size, tabIndex, active, buttonRef, onFocus, onSelect }: HeadCellProps) {
  const compact = size < 40;
  const label = `Layer ${g.layer}, head ${g.head}: ${g.cls}${g.alsoGlobal ? ' and global' : ''} head, span d ${formatSpan(g.d)}`;
  return (
    <span role="gridcell" className="gallery-cell">
      <button ref={buttonRef} type="button" tabIndex={tabIndex} className={`gallery-button gallery-${g.cls}${active ? ' gallery-active' : ''}`}
        aria-label={label} aria-pressed={active} title={label} onFocus={onFocus} onClick={onSelect}
        style={{ ['--cls-color' as string]: HEAD_CLASS_COLORS[g.cls] }}>
        <span className="gallery-thumb" style={{ left: CELL_PAD_X, top: CELL_PAD_TOP, width: size, height: size }} aria-hidden="true" />
        <span className={`gallery-caption${compact ? ' gallery-caption-compact' : ''}`} style={{ left: CELL_PAD_X, top: CELL_PAD_TOP + size + 1, width: size + CELL_PAD_X - 1 }} aria-hidden="true">
          {!(compact && g.cls === 'neither') && <span className={`head-badge head-badge-${g.cls}`} style={{ background: g.cls === 'neither' ? undefined : HEAD_CLASS_COLORS[g.cls] }}>{BADGE[g.cls]}</span>}
          {g.alsoGlobal && <span className="head-badge head-badge-global" style={{ background: HEAD_CLASS_COLORS.global }}>G</span>}
          <span className="gallery-d">{formatSpan(g.d, compact)}</span>
        </span>
      </button>
    </span>
  );
}
