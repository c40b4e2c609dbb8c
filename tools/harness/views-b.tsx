/**
 * Harness views of the token strip, rhythm chart, credit view and settings panel (/tools/harness/?view=NAME),
 * each with local linking state so hover / selection / brush can be tried without the app shell.
 */
import { useState, type ReactNode } from 'react';
import type { AnalysisRecord } from '../../src/core/rhythm/record';
import type { RhythmOptions } from '../../src/core/rhythm/options';
import { CreditView } from '../../src/ui/credit/CreditView';
import { RhythmChart } from '../../src/ui/rhythm/RhythmChart';
import { SettingsPanel } from '../../src/ui/settings/SettingsPanel';
import { TokenStrip } from '../../src/ui/tokens/TokenStrip';
import type { ViewRegistry } from './registry';

interface Link {
  hovered: number | null;
  selected: number | null;
  span: [number, number] | null;
  onHover: (t: number | null) => void;
  onSelect: (t: number | null) => void;
  onBrush: (span: [number, number] | null) => void;
}

/** Shared hover / selection / span state, as the app's ui store will hold it. */
function Linked({
  initialSelected = null,
  initialSpan = null,
  children,
}: {
  initialSelected?: number | null;
  initialSpan?: [number, number] | null;
  children: (link: Link) => ReactNode;
}) {
  const [hovered, onHover] = useState<number | null>(null);
  const [selected, onSelect] = useState<number | null>(initialSelected);
  const [span, onBrush] = useState<[number, number] | null>(initialSpan);
  return <>{children({ hovered, selected, span, onHover, onSelect, onBrush })}</>;
}

function SettingsDemo({ record }: { record: AnalysisRecord }) {
  const [options, setOptions] = useState<Partial<RhythmOptions> | Record<string, unknown>>(record.options);
  return (
    <div style={{ display: 'grid', gap: 12 }}>
      <SettingsPanel value={options} analyzed={record.options} onChange={setOptions} />
      <pre
        style={{ fontSize: 11, margin: 0, color: 'var(--muted)', whiteSpace: 'pre-wrap' }}
        data-testid="settings-output"
      >
        {JSON.stringify(options)}
      </pre>
    </div>
  );
}

const stack = { display: 'grid', gap: 12, maxWidth: 1180 } as const;

/** Views stacked in a column, sharing one linking state. */
function LinkedStack(props: {
  initialSelected?: number | null;
  initialSpan?: [number, number] | null;
  children: (link: Link) => ReactNode;
}) {
  return (
    <Linked initialSelected={props.initialSelected} initialSpan={props.initialSpan}>
      {(l) => <div style={stack}>{props.children(l)}</div>}
    </Linked>
  );
}

export const viewsB: ViewRegistry = {
  tokens: {
    title: 'Token strip (coloured by WAAD; hover for values, click and arrow keys to select)',
    render: (f) => (
      <LinkedStack initialSelected={f.promptLength + 5}>{(l) => <TokenStrip record={f.record} {...l} />}</LinkedStack>
    ),
  },
  'tokens-gamma': {
    title: 'Token strip coloured by γ of the coupled strategy, with a span',
    render: (f) => (
      <LinkedStack initialSpan={[f.promptLength + 20, f.promptLength + 60]}>
        {(l) => <TokenStrip record={f.record} signal="gamma.coupled" scheme="cividis" {...l} />}
      </LinkedStack>
    ),
  },
  rhythm: {
    title: 'Rhythm chart (WAAD and FAI; drag to brush a span)',
    render: (f) => (
      <LinkedStack initialSelected={f.promptLength + 40}>{(l) => <RhythmChart record={f.record} {...l} />}</LinkedStack>
    ),
  },
  'rhythm-short': {
    title: 'Rhythm chart of the first 40 response tokens (token labels on the axis)',
    render: (f) => {
      const r = truncate(f.record, 40);
      return (
        <LinkedStack initialSpan={[r.prompt_length + 10, r.prompt_length + 18]}>
          {(l) => <RhythmChart record={r} {...l} />}
        </LinkedStack>
      );
    },
  },
  credit: {
    title: 'Credit view (γ per strategy, role counts, thresholds, linkage, exports)',
    render: (f) => (
      <LinkedStack initialSelected={f.promptLength + 12}>
        {(l) => <CreditView record={f.record} exportName={f.model} {...l} />}
      </LinkedStack>
    ),
  },
  settings: {
    title: 'Settings panel (engine options, defaults, validation)',
    render: (f) => (
      <div style={stack}>
        <SettingsDemo record={f.record} />
      </div>
    ),
  },
  'views-b-1024': {
    title: 'Linked views at N ≈ 1024 (the fixture response tiled; not model output)',
    render: (f) => {
      const r = tile(f.record, 1024);
      return (
        <LinkedStack initialSelected={r.prompt_length + 600}>
          {(l) => (
            <>
              <TokenStrip record={r} {...l} />
              <RhythmChart record={r} {...l} />
              <CreditView record={r} {...l} />
            </>
          )}
        </LinkedStack>
      );
    },
  },
  'tokens-1024': {
    title: 'Token strip at N ≈ 1024 (tiled fixture)',
    render: (f) => {
      const r = tile(f.record, 1024);
      return <LinkedStack>{(l) => <TokenStrip record={r} {...l} />}</LinkedStack>;
    },
  },
  'rhythm-1024': {
    title: 'Rhythm chart at N ≈ 1024 (tiled fixture)',
    render: (f) => {
      const r = tile(f.record, 1024);
      return <LinkedStack>{(l) => <RhythmChart record={r} {...l} />}</LinkedStack>;
    },
  },
  'credit-1024': {
    title: 'Credit view at N ≈ 1024 (tiled fixture)',
    render: (f) => {
      const r = tile(f.record, 1024);
      return <LinkedStack>{(l) => <CreditView record={r} {...l} />}</LinkedStack>;
    },
  },
  'views-b': {
    title: 'Token strip, rhythm chart and credit view, linked',
    render: (f) => (
      <LinkedStack>
        {(l) => (
          <>
            <TokenStrip record={f.record} {...l} />
            <RhythmChart record={f.record} {...l} />
            <CreditView record={f.record} exportName={f.model} {...l} />
          </>
        )}
      </LinkedStack>
    ),
  },
};

/** The record cut to its first `count` response tokens (for views of short responses). */
function truncate(rec: AnalysisRecord, count: number): AnalysisRecord {
  const p = rec.prompt_length;
  const cut = <T,>(a: T[]) => a.slice(0, count);
  const gamma = Object.fromEntries(
    Object.entries(rec.gamma).map(([k, v]) => [k, cut(v as number[])]),
  ) as AnalysisRecord['gamma'];
  return {
    ...rec,
    tokens: rec.tokens.slice(0, p + count),
    ...(rec.token_ids ? { token_ids: rec.token_ids.slice(0, p + count) } : {}),
    waad: cut(rec.waad),
    fai: cut(rec.fai),
    delta: cut(rec.delta),
    preplan: cut(rec.preplan),
    anchor: cut(rec.anchor),
    dominated: cut(rec.dominated),
    intro: cut(rec.intro),
    ...(rec.entropy ? { entropy: cut(rec.entropy) } : {}),
    gamma,
  };
}

/** The record with its response repeated until the sequence has `n` tokens (for size checks only). */
function tile(rec: AnalysisRecord, n: number): AnalysisRecord {
  const p = rec.prompt_length;
  const count = n - p;
  const rep = <T,>(a: T[]) => Array.from({ length: count }, (_, i) => a[i % a.length]);
  const resp = rec.tokens.slice(p);
  const gamma = Object.fromEntries(
    Object.entries(rec.gamma).map(([k, v]) => [k, rep(v as number[])]),
  ) as AnalysisRecord['gamma'];
  return {
    ...rec,
    tokens: [...rec.tokens.slice(0, p), ...rep(resp)],
    ...(rec.token_ids ? { token_ids: [...rec.token_ids.slice(0, p), ...rep(rec.token_ids.slice(p))] } : {}),
    waad: rep(rec.waad),
    fai: rep(rec.fai),
    delta: rep(rec.delta),
    preplan: rep(rec.preplan),
    anchor: rep(rec.anchor),
    dominated: rep(rec.dominated),
    intro: rep(rec.intro),
    ...(rec.entropy ? { entropy: rep(rec.entropy) } : {}),
    gamma,
  };
}
