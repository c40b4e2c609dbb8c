/**
 * What the credit view shows, computed from an AnalysisRecord: one row of γ per strategy, the role counts,
 * thresholds and the linkage summary as labelled, formatted lines.
 */
import { STRATEGIES, type Strategy } from '../../core/rhythm/credit';
import type { AnalysisRecord } from '../../core/rhythm/record';
import { roleCounts, ROLES } from '../tokens/roles';
import { formatValue, STRATEGY_LABELS } from '../tokens/signals';
import { GLOSSARY } from '../glossary/glossary';

export interface CreditRow {
  strategy: Strategy;
  label: string;
  gamma: number[];
  /** Tokens with γ ≠ 1 (boosted or, in principle, damped). */
  changed: number;
  mean: number;
}

export function creditRows(record: AnalysisRecord): CreditRow[] {
  return STRATEGIES.filter((s) => record.gamma[s]).map((s) => {
    const gamma = record.gamma[s]!;
    const changed = gamma.filter((g) => g !== 1).length;
    const mean = gamma.length ? gamma.reduce((a, b) => a + b, 0) / gamma.length : 0;
    return { strategy: s, label: STRATEGY_LABELS[s], gamma, changed, mean };
  });
}

export interface SummaryItem {
  label: string;
  value: string;
  help: string;
}

/** |T_loc|, |T_glob|, |D|, |I(D)| with their share of the response. */
export function roleSummary(record: AnalysisRecord): SummaryItem[] {
  const counts = roleCounts(record);
  const r = record.waad.length;
  return ROLES.map((role) => ({
    label: `|${role.set}|`,
    value: `${counts[role.id]}${r ? ` (${Math.round((100 * counts[role.id]) / r)}%)` : ''}`,
    help: GLOSSARY[role.id],
  }));
}

/** τ values actually used and the linkage summary (anchors near preplan tokens; entropy split when known). */
export function thresholdSummary(record: AnalysisRecord): SummaryItem[] {
  const o = record.options;
  const items: SummaryItem[] = [
    {
      label: 'τ_waad',
      value: formatValue(record.tau_waad),
      help: `${GLOSSARY.tau_waad} Here: ${o.tau_waad === 'median' ? 'the median WAAD of the response' : 'fixed by the option tau_waad'}.`,
    },
    {
      label: 'τ_Δ',
      value: formatValue(record.tau_delta),
      help: `${GLOSSARY.tau_delta} Here: ${o.tau_delta === 'min-preplan' ? 'the smallest Δ among preplan tokens' : 'fixed by the option tau_delta'}.`,
    },
  ];
  const L = record.linkage;
  items.push({
    label: `anchors with a preplan token ≤ ${L.k} before`,
    value: `${L.anchors_near_preplan} / ${L.anchors}${L.anchors ? ` (${Math.round(100 * L.anchor_preplan_share)}%)` : ''}`,
    help: GLOSSARY.coupling,
  });
  if (L.entropy_preplan !== undefined || L.entropy_other !== undefined) {
    items.push({
      label: 'entropy: preplan / other',
      value: `${formatValue(L.entropy_preplan)} / ${formatValue(L.entropy_other)}`,
      help: 'mean predictive entropy at preplan tokens vs the other response tokens',
    });
  }
  if (record.advantage !== undefined) {
    items.push({
      label: 'GRPO Â',
      value: formatValue(record.advantage),
      help: `advantage of this response in its group (reward ${formatValue(record.reward)})`,
    });
  }
  return items;
}

export { distinctGammas, GAMMA_NEUTRAL, gammaColor, gammaDomain } from '../tokens/signals';
