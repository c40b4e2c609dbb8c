/**
 * The gallery's thumbnails on one canvas over the grid (pointer-events: none): a thousand small canvases cost
 * seconds to create. Drawn a few layer rows per animation frame (≤ ~8 ms each), so a big model's gallery is never
 * one long task. Returns the layers whose thumbnails had the wrong shape (drawn empty).
 */
import { useEffect, useState, type RefObject } from 'react';
import type { Thumbnail } from '../../core/rhythm';
import type { ScaleMode } from '../theme';
import { CELL_PAD_TOP, CELL_PAD_X, HEADER_H, ROWHEAD_W } from './geometry';
import { thumbnailTile } from './heads';

export interface ThumbnailCanvasInput {
  canvasRef: RefObject<HTMLCanvasElement | null>;
  /** Its parent gets data-draw-ms (read by the bench and e2e). */
  panelRef: RefObject<HTMLElement | null>;
  thumbnails: Map<number, Thumbnail>;
  lut: Uint8ClampedArray;
  mode: ScaleMode;
  numHeads: number;
  /** Thumbnail side, grid size, cell pitch and the kv label row's height (CSS px). */
  cellSize: number;
  gridW: number;
  gridH: number;
  pitchX: number;
  pitchY: number;
  kvH: number;
  /** Layers [start, end) of the page shown. */
  start: number;
  end: number;
  /** False until the width is measured: nothing is drawn at a guessed size. */
  sized: boolean;
}

export function useThumbnailCanvas(input: ThumbnailCanvasInput): number[] {
  const { canvasRef, panelRef, thumbnails, lut, mode, numHeads, cellSize, gridW, gridH, pitchX, pitchY, kvH } = input;
  const { start, end, sized } = input;
  const [badLayers, setBadLayers] = useState<number[]>([]);
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
      panelRef.current?.parentElement?.setAttribute('data-draw-ms', drawMs.toFixed(2));
    };
    if (end > start) frame = requestAnimationFrame(slice);
    return () => cancelAnimationFrame(frame);
  }, [
    canvasRef,
    panelRef,
    thumbnails,
    lut,
    mode,
    numHeads,
    cellSize,
    gridW,
    gridH,
    pitchX,
    pitchY,
    sized,
    start,
    end,
    kvH,
  ]);
  return badLayers;
}
