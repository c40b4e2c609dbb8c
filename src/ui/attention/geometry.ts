/**
 * Size of the heatmap (pure): margins that fit the longest token label, and the side of the square plot that
 * fills the panel's width, within the window's height. Whole CSS px, so the canvas lands on device pixels.
 */
import { displayToken } from '../figures/text';

export interface Margin {
  top: number;
  right: number;
  bottom: number;
  left: number;
}

/** Largest cell shown at zoom 1 (a 12-token map should not fill the screen). */
export const MAX_BASE_CELL_PX = 40;
/** Largest side of the plot (CSS px). */
export const MAX_SIDE_PX = 900;
/** Width of the legend / facts column beside the plot in a wide panel. */
export const SIDE_W = 150;
/** Gap between the plot and that column (attention.css .attention-body). */
export const SIDE_GAP = 12;
/** Below this panel width the legend and facts go under the plot. */
export const NARROW_PX = 620;
/** Height the toolbar and the panel's padding take above and below the plot (CSS px). */
const CHROME_H = 120;

/**
 * Margins for the labels. Left: y tick labels (token text, ≤ 10 characters of a 10 px monospace font, ~6.3 px
 * each, after a 4 px tick and a 3 px gap). Bottom: the x labels turned 60° (sin 60° × the same width) and the
 * axis title. Top: the y axis title, written above the labels so it takes no width. Stable across zoom (the plot
 * never jumps when token labels replace position numbers).
 */
export function heatmapMargin(tokens: string[]): Margin {
  const chars = Math.max(3, ...tokens.map((t) => [...displayToken(t, 10)].length));
  return {
    top: 20,
    right: 12,
    bottom: Math.round(Math.max(48, 36 + chars * 5.5)),
    left: Math.round(Math.max(36, 12 + chars * 6.3)),
  };
}

/**
 * Side of the square plot for a panel `panelWidth` CSS px wide (content box) in a window `windowHeight` tall:
 * as wide as the panel allows (less the legend column when the panel is wide enough to have one), no taller
 * than the window less the toolbar, at most MAX_BASE_CELL_PX per token and MAX_SIDE_PX; never under 200 px
 * (280 with a side column), so a cramped panel scrolls rather than shrinking the map to nothing.
 */
export function plotSide(n: number, margin: Margin, panelWidth: number, windowHeight: number): number {
  const narrow = panelWidth < NARROW_PX;
  const byWidth = panelWidth - margin.left - margin.right - (narrow ? 0 : SIDE_W + SIDE_GAP);
  const byHeight = windowHeight - margin.top - margin.bottom - CHROME_H;
  const side = Math.min(MAX_SIDE_PX, n * MAX_BASE_CELL_PX, byWidth, byHeight);
  return Math.floor(Math.max(narrow ? 200 : 280, side));
}
