/**
 * What the views say about one token: every value at position t (tooltips, the credit view's selection line),
 * and keyboard navigation over positions. Positions are absolute (0..N−1) everywhere so the heatmap, strip,
 * chart and credit view can share one hovered / selected index.
 */
import { STRATEGIES } from '../../core/rhythm/credit';
import type { AnalysisRecord } from '../../core/rhythm/record';
import { rolesAt, ROLES, type RoleId } from './roles';
import { formatValue, STRATEGY_LABELS } from './signals';

export interface TokenDetails {
  position: number;
  /** Index within the response, or null for a prompt token. */
  responseIndex: number | null;
  token: string;
  tokenId?: number;
  /** [label, formatted value] rows; empty for prompt tokens. */
  values: [string, string][];
  roles: RoleId[];
}

export function tokenDetails(record: AnalysisRecord, t: number): TokenDetails {
  const p = record.prompt_length;
  const i = t - p;
  const base = {
    position: t,
    token: record.tokens[t] ?? '',
    ...(record.token_ids ? { tokenId: record.token_ids[t] } : {}),
  };
  if (i < 0 || i >= record.waad.length) return { ...base, responseIndex: null, values: [], roles: [] };
  const values: [string, string][] = [
    ['WAAD', formatValue(record.waad[i])],
    ['FAI', formatValue(record.fai[i])],
    ['Δ', formatValue(record.delta[i])],
  ];
  if (record.entropy) values.push(['entropy', formatValue(record.entropy[i])]);
  for (const s of STRATEGIES) {
    const g = record.gamma[s];
    if (g) values.push([`γ ${STRATEGY_LABELS[s]}`, formatValue(g[i])]);
  }
  return { ...base, responseIndex: i, values, roles: rolesAt(record, i) };
}

/** "preplan (T_loc), anchor (T_glob)" or "no role". */
export function describeRoles(roles: RoleId[]): string {
  if (roles.length === 0) return 'no role';
  return roles
    .map((id) => {
      const r = ROLES.find((x) => x.id === id)!;
      return `${r.label} (${r.set})`;
    })
    .join(', ');
}

/**
 * Next selected position for a key press, or undefined when the key is not a navigation key.
 * ←/→ move by one, Home/End jump to the first/last response token, PageUp/PageDown move by `page`,
 * Escape clears. With nothing selected, any move starts at the first response token.
 */
export function navigate(
  current: number | null,
  key: string,
  n: number,
  promptLength: number,
  page = 20,
): number | null | undefined {
  const first = Math.min(promptLength, n - 1);
  const clamp = (x: number) => Math.max(0, Math.min(n - 1, x));
  if (key === 'Escape') return null;
  if (n === 0) return undefined;
  if (key === 'Home') return first;
  if (key === 'End') return n - 1;
  const step = ({ ArrowRight: 1, ArrowLeft: -1, PageDown: page, PageUp: -page } as Record<string, number>)[key];
  if (step === undefined) return undefined;
  if (current === null) return first;
  return clamp(current + step);
}

export interface TokenBox {
  t: number;
  /** Centre x and top y of the token's box on screen. */
  x: number;
  y: number;
}

/**
 * ↑/↓ in a wrapped strip: the token on the previous / next visual line whose centre is closest in x.
 * Lines are told apart by their top y (with a few px tolerance). Returns undefined at the first / last line.
 */
export function lineNeighbour(
  boxes: TokenBox[],
  current: number,
  dir: 'up' | 'down',
  tolerance = 4,
): number | undefined {
  const cur = boxes.find((b) => b.t === current);
  if (!cur) return undefined;
  const candidates = boxes.filter((b) => (dir === 'down' ? b.y > cur.y + tolerance : b.y < cur.y - tolerance));
  if (candidates.length === 0) return undefined;
  const lineY = dir === 'down' ? Math.min(...candidates.map((b) => b.y)) : Math.max(...candidates.map((b) => b.y));
  let best: TokenBox | undefined;
  for (const b of candidates) {
    if (Math.abs(b.y - lineY) > tolerance) continue;
    if (!best || Math.abs(b.x - cur.x) < Math.abs(best.x - cur.x)) best = b;
  }
  return best?.t;
}
