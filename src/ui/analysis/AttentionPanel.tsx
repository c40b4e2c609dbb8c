/** The attention heatmap over the map the worker sent (one head or a mean), with a picker of the choices. */
import { useMemo } from 'react';
import type { HeadRef } from '../../core/rhythm/options';
import type { MapRequest } from '../../worker/protocol';
import { AttentionHeatmap } from '../attention/AttentionHeatmap';
import { loadMap } from './actions';
import { useAnalysisStore, useUiStore } from './stores';

export function choiceKey(c: MapRequest): string {
  return c.kind === 'head' ? `head:${c.layer}:${c.head}` : c.kind;
}

export function parseChoiceKey(key: string): MapRequest | null {
  if (key === 'local' || key === 'global') return { kind: key };
  const m = /^head:(\d+):(\d+)$/.exec(key);
  return m ? { kind: 'head', layer: Number(m[1]), head: Number(m[2]) } : null;
}

export function choiceLabel(c: MapRequest, heads: { local: HeadRef[]; global: HeadRef[] }): string {
  if (c.kind === 'head') return `Layer ${c.layer} · head ${c.head}`;
  return `Mean of ${heads[c.kind].length} ${c.kind} head${heads[c.kind].length === 1 ? '' : 's'}`;
}

export function AttentionPanel() {
  const record = useAnalysisStore((s) => s.record)!;
  const map = useAnalysisStore((s) => s.map);
  const { mapChoice, hovered, selected, scheme, mode } = useUiStore();
  const options = useMemo(() => {
    const list: MapRequest[] = [{ kind: 'local' }, { kind: 'global' }];
    const seen = new Set<string>(list.map(choiceKey));
    for (const [layer, head] of [...record.heads.local, ...record.heads.global]) {
      const c: MapRequest = { kind: 'head', layer, head };
      if (!seen.has(choiceKey(c))) (seen.add(choiceKey(c)), list.push(c));
    }
    if (!seen.has(choiceKey(mapChoice))) list.push(mapChoice);
    return list;
  }, [record, mapChoice]);
  const current =
    map && choiceKey(map.choice) === choiceKey(mapChoice) && map.seqLen === record.tokens.length ? map : null;
  const picker = (
    <label className="attention-picker">
      <span className="visually-hidden">Map</span>
      <select
        className="select select-small"
        data-testid="map-choice"
        aria-label="Attention map to show"
        value={choiceKey(mapChoice)}
        onChange={(e) => {
          const c = parseChoiceKey(e.target.value);
          if (c) void loadMap(c);
        }}
      >
        {options.map((c) => (
          <option key={choiceKey(c)} value={choiceKey(c)}>
            {choiceLabel(c, record.heads)}
          </option>
        ))}
      </select>
    </label>
  );
  if (!current) {
    return (
      <section className="chart-panel attention-heatmap attention-empty" data-testid="attention-heatmap">
        <div className="chart-toolbar">{picker}</div>
        <p>Loading the map…</p>
      </section>
    );
  }
  return (
    <AttentionHeatmap
      map={current.map}
      tokens={record.tokens}
      promptLength={record.prompt_length}
      title={choiceLabel(mapChoice, record.heads)}
      heading="Attention"
      subtitle={current.heads.map(([l, h]) => `L${l}H${h}`).join(' ')}
      scheme={scheme}
      mode={mode}
      onScaleChange={(s) => useUiStore.setState(s)}
      selectedToken={selected}
      hoveredToken={hovered}
      onHoverToken={(t) => useUiStore.setState({ hovered: t })}
      onSelectToken={(t) => useUiStore.setState({ selected: t })}
      toolbarExtra={picker}
    />
  );
}
