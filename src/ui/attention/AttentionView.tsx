/**
 * An attention panel over kept maps: a picker (each kept head, the means of the local / global / receiver heads,
 * each with a hover text saying what it is) around AttentionHeatmap. Controlled or uncontrolled choice.
 */
import { useMemo, useState } from 'react';
import { AttentionHeatmap, type AttentionHeatmapProps } from './AttentionHeatmap';
import { choiceValue, mapChoices, parseChoice, resolveChoice, type HeadSets, type MapChoice } from './choices';

export interface AttentionViewProps extends Omit<AttentionHeatmapProps, 'map' | 'title' | 'toolbarExtra'> {
  /** The record's head selection. */
  heads: HeadSets;
  /** Kept full maps, key `${layer}:${head}` (HeadCache.maps). */
  maps: Map<string, Float32Array>;
  choice?: MapChoice;
  onChoiceChange?: (c: MapChoice) => void;
}

export function AttentionView({ heads, maps, choice, onChoiceChange, ...rest }: AttentionViewProps) {
  const options = useMemo(() => mapChoices(heads, maps), [heads, maps]);
  const [own, setOwn] = useState<MapChoice | undefined>(undefined);
  const current = choice ?? own ?? options[0]?.choice;
  const n = rest.tokens.length;
  const map = useMemo(() => (current ? resolveChoice(current, heads, maps, n) : null), [current, heads, maps, n]);
  const option = current ? options.find((o) => o.value === choiceValue(current)) : undefined;
  const pick = (value: string) => {
    const c = parseChoice(value);
    if (!c) return;
    if (onChoiceChange) onChoiceChange(c);
    else setOwn(c);
  };
  if (!current || !map) {
    return (
      <section className="chart-panel attention-heatmap attention-empty" data-testid="attention-heatmap">
        <p>
          No attention map to show{current ? ` for ${option?.label ?? choiceValue(current)}` : ''}: keep full maps of
          the heads you want to see (the analysis keeps the local and global heads).
        </p>
      </section>
    );
  }
  const picker = (
    <label className="attention-picker">
      <span className="visually-hidden">Map</span>
      <select
        value={choiceValue(current)}
        onChange={(e) => pick(e.target.value)}
        aria-label="Attention map to show"
        title={option?.hint}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value} title={o.hint}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
  const title = option?.label ?? choiceValue(current);
  return (
    <AttentionHeatmap {...rest} map={map} title={title} heading={rest.heading ?? 'Attention'} toolbarExtra={picker} />
  );
}
