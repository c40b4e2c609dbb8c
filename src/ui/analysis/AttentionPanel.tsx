/** The attention heatmap over the map the worker sent (one head or a mean), with a picker of the choices. */
import { useMemo } from 'react';
import type { HeadRef } from '../../core/rhythm/options';
import type { MapRequest } from '../../worker/protocol';
import { AttentionHeatmap } from '../attention/AttentionHeatmap';
import { choiceHint, type HeadSets } from '../attention/choices';
import { loadMap } from './actions';
import { useAnalysisStore, useUiStore } from './stores';

export function choiceKey(c: MapRequest): string {
  return c.kind === 'head' ? `head:${c.layer}:${c.head}` : c.kind;
}

export function parseChoiceKey(key: string): MapRequest | null {
  if (key === 'local' || key === 'global' || key === 'receiver') return { kind: key };
  const m = /^head:(\d+):(\d+)$/.exec(key);
  return m ? { kind: 'head', layer: Number(m[1]), head: Number(m[2]) } : null;
}

export function choiceLabel(
  c: MapRequest,
  heads: { local: HeadRef[]; global: HeadRef[]; receiver?: HeadRef[] },
): string {
  if (c.kind === 'head') return `Layer ${c.layer} · head ${c.head}`;
  const n = heads[c.kind]?.length ?? 0;
  return `Mean of ${n} ${c.kind} head${n === 1 ? '' : 's'}`;
}

/** The picker's hover text for a worker map request (choices.ts says what each map is). */
function hint(c: MapRequest, heads: HeadSets): string {
  return choiceHint(c.kind === 'head' ? c : { kind: 'mean', set: c.kind }, heads);
}

export function AttentionPanel() {
  const record = useAnalysisStore((s) => s.record)!;
  const map = useAnalysisStore((s) => s.map);
  const { mapChoice, hovered, selected, scheme, mode } = useUiStore();
  const options = useMemo(() => {
    const list: MapRequest[] = [{ kind: 'local' }, { kind: 'global' }];
    if (record.heads.receiver?.length) list.push({ kind: 'receiver' });
    const seen = new Set<string>(list.map(choiceKey));
    for (const [layer, head] of [...record.heads.local, ...record.heads.global, ...(record.heads.receiver ?? [])]) {
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
        title={hint(mapChoice, record.heads)}
        value={choiceKey(mapChoice)}
        onChange={(e) => {
          const c = parseChoiceKey(e.target.value);
          if (c) void loadMap(c);
        }}
      >
        {options.map((c) => (
          <option key={choiceKey(c)} value={choiceKey(c)} title={hint(c, record.heads)}>
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
