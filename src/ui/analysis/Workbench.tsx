/**
 * The main area: token strip, rhythm chart, attention heatmap + head gallery side by side, credit view. Thin
 * wrappers feed the self-contained views from the stores and route their events into the ui store, so a token
 * hovered or selected in one view lights up in all, and a brushed span dims the others.
 */
import { startTransition, useCallback, useEffect, useState, type ReactNode } from 'react';
import { CreditView } from '../credit/CreditView';
import { HeadGallery } from '../gallery/HeadGallery';
import { useModelStore } from '../model/modelStore';
import { RhythmChart } from '../rhythm/RhythmChart';
import { SettingsPanel } from '../settings/SettingsPanel';
import { TokenStrip } from '../tokens/TokenStrip';
import { Caption } from '../method/Caption';
import { loadMap, setOptions } from './actions';
import { AttentionPanel } from './AttentionPanel';
import { openExportMenu } from './ExportMenu';
import { useAnalysisStore, useSettingsStore, useUiStore } from './stores';
import './workbench.css';

const setHovered = (t: number | null) => useUiStore.setState({ hovered: t });
const setSelected = (t: number | null) => useUiStore.setState({ selected: t });
const setSpan = (span: [number, number] | null) => useUiStore.setState({ span });

export function Workbench() {
  const record = useAnalysisStore((s) => s.record);
  const running = useAnalysisStore((s) => s.running);
  const cancelled = useAnalysisStore((s) => s.cancelled);
  const sequence = useAnalysisStore((s) => s.sequence);
  if (!record) {
    return (
      <section className="card wb-empty" data-testid="workbench-empty">
        <h2 className="card-title">Analysis</h2>
        {cancelled && !running && (
          <p className="wb-cancelled" data-testid="analysis-cancelled">
            {cancelled}: cancelled.
          </p>
        )}
        <p>
          {running
            ? `${running.label}…`
            : 'Sample a task problem and Generate, paste a response and Analyze, or import an attention dump (Export ▾ → Import). The analysis appears here: token strip, rhythm chart, attention maps, head gallery and credit.'}
        </p>
      </section>
    );
  }
  return <StagedViews key={sequence} />;
}

/**
 * Mounts the views one per task (a new sequence), so the main thread never runs all of their first renders,
 * d3 axes and canvases in one long task. Each stage is a transition: React time-slices its render too.
 * Placeholders keep the layout from jumping.
 */
function StagedViews() {
  // Stage 0 (the status line) comes with the store update, a synchronous render; every view is a transition.
  const [stage, setStage] = useState(0);
  useEffect(() => {
    if (stage >= 5) return;
    const id = setTimeout(() => startTransition(() => setStage((s) => s + 1)), 0);
    return () => clearTimeout(id);
  }, [stage]);
  const at = (k: number, view: ReactNode, height: number) =>
    stage >= k ? view : <div className="chart-panel wb-placeholder" style={{ height }} aria-hidden="true" />;
  return (
    <div className="wb" data-testid="workbench">
      <AnalysisStatus />
      {/* The first screen: strip and rhythm chart beside the attention map (all three above the fold). */}
      <div className="wb-top">
        <div className="wb-col">
          <Caption view="tokens" section="roles">
            Response tokens coloured by a metric; ▲ preplan ◆ anchor.
          </Caption>
          {at(1, <Strip />, 160)}
          <Caption view="rhythm" section="waad">
            How far back each token looks (WAAD) and is looked back at (FAI).
          </Caption>
          {at(2, <Chart />, 300)}
        </div>
        <div className="wb-col">
          <Caption view="attention" section="heads">
            Who attends to whom: row reads, column is read.
          </Caption>
          {at(3, <AttentionPanel />, 420)}
        </div>
      </div>
      {at(4, <Gallery />, 300)}
      <Caption view="credit" section="credit">
        How each RL credit strategy would weight these tokens (γ), given a reward.
      </Caption>
      {at(5, <Credit />, 260)}
    </div>
  );
}

function AnalysisStatus() {
  const how = useAnalysisStore((s) => s.how);
  const ms = useAnalysisStore((s) => s.ms);
  const summary = useAnalysisStore((s) => s.summary);
  const record = useAnalysisStore((s) => s.record)!;
  const cancelled = useAnalysisStore((s) => s.cancelled);
  const text: Record<string, string> = {
    forward: 'one forward pass of the model',
    cache: 'recomputed from the per-head cache (no model rerun)',
    maps: 'W / H_lo / H_hi / sink changed: recomputed from the cached attention maps (no model rerun)',
    dump: 'imported attention dump (no model)',
  };
  return (
    <p className="wb-status" data-testid="analysis-status">
      <strong>{summary?.name}</strong> · N = {record.tokens.length} ({record.prompt_length} prompt +{' '}
      {record.waad.length} response) · {record.num_layers} layers × {record.num_heads} heads · {how ? text[how] : ''}
      {ms !== null ? ` · ${ms.toFixed(0)} ms` : ''}
      {cancelled && (
        <span className="wb-cancelled" data-testid="analysis-cancelled">
          {' '}
          · {cancelled}: cancelled, this is still the previous analysis
        </span>
      )}
    </p>
  );
}

function Strip() {
  const record = useAnalysisStore((s) => s.record)!;
  const { hovered, selected, span, signal, scheme } = useUiStore();
  return (
    <TokenStrip
      record={record}
      hovered={hovered}
      selected={selected}
      span={span}
      signal={signal}
      scheme={scheme}
      onSignalChange={(s) => useUiStore.setState({ signal: s })}
      onHover={setHovered}
      onSelect={setSelected}
    />
  );
}

function Chart() {
  const record = useAnalysisStore((s) => s.record)!;
  const { hovered, selected, span } = useUiStore();
  return (
    <RhythmChart
      record={record}
      hovered={hovered}
      selected={selected}
      span={span}
      onHover={setHovered}
      onSelect={setSelected}
      onBrush={setSpan}
      panelHeight={58}
    />
  );
}

function Gallery() {
  const summary = useAnalysisStore((s) => s.summary)!;
  const heads = useAnalysisStore((s) => s.heads)!;
  const record = useAnalysisStore((s) => s.record)!;
  const choice = useUiStore((s) => s.mapChoice);
  const scheme = useUiStore((s) => s.scheme);
  const onSelectHead = useCallback((layer: number, head: number) => void loadMap({ kind: 'head', layer, head }), []);
  const kvHeads = useModelStore((s) => (summary.source === 'model' ? s.info?.nKvHead : undefined));
  return (
    <HeadGallery
      numLayers={summary.numLayers}
      numHeads={summary.numHeads}
      numKvHeads={kvHeads}
      thumbnails={heads.thumbnails}
      spans={heads.spans}
      selection={record}
      scheme={scheme}
      selected={choice.kind === 'head' ? { layer: choice.layer, head: choice.head } : null}
      onSelectHead={onSelectHead}
    />
  );
}

function Credit() {
  const record = useAnalysisStore((s) => s.record)!;
  const summary = useAnalysisStore((s) => s.summary);
  const { hovered, selected, span, scheme } = useUiStore();
  return (
    <CreditView
      record={record}
      exportName={summary?.name}
      scheme={scheme}
      hovered={hovered}
      selected={selected}
      span={span}
      onHover={setHovered}
      onSelect={setSelected}
      onOpenExport={openExportMenu}
    />
  );
}

/** The settings panel over the settings store; a change re-analyses (without a rerun when possible). */
export function Settings() {
  const options = useSettingsStore((s) => s.options);
  const analyzed = useAnalysisStore((s) => s.analyzedOptions);
  return (
    <SettingsPanel
      value={options}
      analyzed={analyzed ?? options}
      onChange={(o) => void setOptions(o as unknown as Record<string, unknown>)}
    />
  );
}
