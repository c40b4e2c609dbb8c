/**
 * Draws the visible window of a quantized attention map into a canvas, in animation frames rather than in the
 * React commit's task: strips of rows with a time budget per frame (a zoom redraw takes a few ms, one frame; the
 * first draw of a big canvas under load took 30–55 ms). The draw time lands in the panel's data-draw-ms.
 */
import { useEffect, useRef, type RefObject } from 'react';
import type { ZoomTransform } from 'd3';
import { packRgba, pyramidLevel, renderView } from './raster';

const BACKGROUND = packRgba(255, 255, 255);
/** Device-px rows per raster strip, and the drawing time per animation frame before the rest waits a frame. */
const STRIP_ROWS = 64;
const FRAME_BUDGET_MS = 8;

export interface RasterDrawInput {
  canvasRef: RefObject<HTMLCanvasElement | null>;
  /** Gets data-draw-ms (read by the bench and e2e) without a React re-render per frame. */
  panelRef: RefObject<HTMLElement | null>;
  /** Max-pooled levels of the quantized map (raster.indexPyramid). */
  pyramid: { indices: Uint8Array; n: number }[];
  lut: Uint8ClampedArray;
  transform: ZoomTransform;
  /** CSS px per cell at zoom 1, and the plot's side in CSS px. */
  base: number;
  size: number;
  /** False until the panel is measured: nothing is drawn at a guessed size. */
  sized: boolean;
}

export function useRasterDraw({ canvasRef, panelRef, pyramid, lut, transform, base, size, sized }: RasterDrawInput) {
  const imageRef = useRef<ImageData>(null);
  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas || !sized) return;
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    const dpr = window.devicePixelRatio || 1;
    const w = Math.round(size * dpr);
    const k = base * transform.k * dpr;
    const level = pyramidLevel(k, pyramid.length);
    const { indices: levelIndices, n: levelN } = pyramid[level];
    // Reuse one strip buffer: allocating per wheel event costs more than filling it.
    if (imageRef.current?.width !== w) imageRef.current = ctx.createImageData(w, STRIP_ROWS);
    const strip = imageRef.current;
    let row = 0,
      drawMs = 0,
      frame = 0;
    const slice = () => {
      if (canvas.width !== w) {
        canvas.width = w;
        canvas.height = w;
      }
      const t0 = performance.now();
      do {
        const rows = Math.min(STRIP_ROWS, w - row);
        const out = rows === STRIP_ROWS ? strip.data : strip.data.subarray(0, w * rows * 4);
        // The strip is the view shifted up by `row` device px: [rows, w] RGBA.
        renderView(
          levelIndices,
          levelN,
          lut,
          { x: transform.x * dpr, y: transform.y * dpr - row, k: k * 2 ** level },
          w,
          rows,
          out,
          BACKGROUND,
        );
        ctx.putImageData(strip, 0, row, 0, 0, w, rows);
        row += rows;
      } while (row < w && performance.now() - t0 < FRAME_BUDGET_MS);
      drawMs += performance.now() - t0;
      if (row < w) {
        frame = requestAnimationFrame(slice);
        return;
      }
      panelRef.current?.setAttribute('data-draw-ms', drawMs.toFixed(2));
    };
    frame = requestAnimationFrame(slice);
    return () => cancelAnimationFrame(frame);
  }, [canvasRef, panelRef, pyramid, lut, transform, base, size, sized]);
}
