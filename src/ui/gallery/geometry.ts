/** Fixed gallery geometry (CSS px), shared by the grid, its cells and the thumbnail canvas so they line up. */
import type { HeadClass } from '../theme';

export const BADGE: Record<HeadClass, string> = { local: 'L', global: 'G', neither: '·' };
export const ROWHEAD_W = 40;
export const HEADER_H = 18;
export const CELL_PAD_X = 6;
export const CELL_PAD_TOP = 5;
export const CAPTION_H = 18;
export const KV_H = 14;
export const RECEIVER_COLOR = '#009E73';
