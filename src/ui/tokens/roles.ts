/**
 * Token roles of method.md §3 as the views draw them: each role has a distinct glyph AND a colour from the
 * Okabe–Ito palette, so the roles stay apart for colour-blind readers and in greyscale prints.
 * The rhythm chart uses the same shapes (d3.symbol names) so a marker means the same thing everywhere.
 */
import type { AnalysisRecord } from '../../core/rhythm/record';
import { ROLE_COLORS, ROLE_LABELS, type TokenRole } from '../theme/palette';

export type RoleId = TokenRole;

export interface RoleStyle {
  id: RoleId;
  /** Short label for legends. */
  label: string;
  /** Paper notation for the set. */
  set: string;
  /** Text glyph for the token strip and legends. */
  glyph: string;
  /** d3.symbol type name for charts. */
  symbol: 'triangle' | 'diamond' | 'cross' | 'circle';
  color: string;
  help: string;
}

export const ROLES: readonly RoleStyle[] = [
  {
    id: 'preplan',
    label: ROLE_LABELS.preplan,
    set: 'T_loc',
    glyph: '▲',
    symbol: 'triangle',
    color: ROLE_COLORS.preplan,
    help: 'top q of Δ: where a local chunk turns',
  },
  {
    id: 'anchor',
    label: ROLE_LABELS.anchor,
    set: 'T_glob',
    glyph: '◆',
    symbol: 'diamond',
    color: ROLE_COLORS.anchor,
    help: 'top q of FAI: later tokens look back here',
  },
  {
    id: 'dominated',
    label: ROLE_LABELS.dominated,
    set: 'D',
    glyph: '✕',
    symbol: 'cross',
    color: ROLE_COLORS.dominated,
    help: 'anchor with WAAD ≤ τ_waad right after a Δ ≥ τ_Δ',
  },
  {
    id: 'intro',
    label: ROLE_LABELS.intro,
    set: 'I(D)',
    glyph: '●',
    symbol: 'circle',
    color: ROLE_COLORS.intro,
    help: 'the token that introduces a dominated anchor',
  },
];

/** Roles of response index i (0-based within the response), in ROLES order. */
export function rolesAt(record: Pick<AnalysisRecord, RoleId>, i: number): RoleId[] {
  return ROLES.filter((r) => record[r.id][i]).map((r) => r.id);
}

/** |T_loc|, |T_glob|, |D|, |I(D)|. */
export function roleCounts(record: Pick<AnalysisRecord, RoleId>): Record<RoleId, number> {
  const count = (m: boolean[]) => m.reduce((n, x) => n + (x ? 1 : 0), 0);
  return {
    preplan: count(record.preplan),
    anchor: count(record.anchor),
    dominated: count(record.dominated),
    intro: count(record.intro),
  };
}
