/**
 * Token strip: the prompt (dimmed) and the response as text, each response token coloured by a chosen signal,
 * with role glyphs under it, a legend, a tooltip with every value, and keyboard navigation.
 * Token text is rendered as React text nodes only (a token like `<img onerror=…>` shows as text).
 */
import { useCallback, useId, useMemo, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import type { AnalysisRecord } from '../../core/rhythm/record';
import { ColorLegend } from '../theme/ColorLegend';
import { SCHEMES, type SchemeName } from '../theme/scales';
import { describeRoles, navigate, tokenDetails } from './details';
import { displayToken } from './display';
import { inSpan, type TokenLinkProps } from './link';
import { ROLES, rolesAt } from './roles';
import { availableSignals, normalize, signalColor, signalDomainFor, signalValues, textColorOn, type SignalId } from './signals';
import { TokenTooltip } from './TokenTooltip';
import './tokens.css';

export interface TokenStripProps extends TokenLinkProps {
  record: AnalysisRecord;
  /** Signal that colours the tokens (uncontrolled when absent: starts at WAAD). */
  signal?: SignalId;
  onSignalChange?: (signal: SignalId) => void;
  /** Sequential colour scheme from the theme (default viridis). */
  scheme?: SchemeName;
  /** Show the prompt tokens (dimmed) before the response (default true). */
  showPrompt?: boolean;
}

export function TokenStrip(props: TokenStripProps) {
  const { record, scheme = 'viridis', showPrompt = true, span } = props;
  const id = useId().replace(/[^a-zA-Z0-9_-]/g, '');
  const [ownSignal, setOwnSignal] = useState<SignalId>('waad');
  const [ownSelected, setOwnSelected] = useState<number | null>(null);
  const [ownHovered, setOwnHovered] = useState<number | null>(null);
  const [focused, setFocused] = useState(false);
  const signal = props.signal ?? ownSignal;
  const selected = props.selected !== undefined ? props.selected : ownSelected;
  const hovered = props.hovered !== undefined ? props.hovered : ownHovered;
  const stripRef = useRef<HTMLDivElement>(null);

  const signals = useMemo(() => availableSignals(record), [record]);
  const values = useMemo(() => signalValues(record, signal) ?? [], [record, signal]);
  const domain = useMemo(() => signalDomainFor(record, signal), [record, signal]);
  const interp = SCHEMES[scheme].interpolate;
  const p = record.prompt_length;
  const n = record.tokens.length;
  const start = showPrompt ? 0 : p;

  const setSignal = (s: SignalId) => {
    setOwnSignal(s);
    props.onSignalChange?.(s);
  };
  const select = useCallback((t: number | null) => {
    setOwnSelected(t);
    props.onSelect?.(t);
    if (t !== null) stripRef.current?.querySelector(`[data-pos="${t}"]`)?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }, [props.onSelect]);
  const hover = (t: number | null) => {
    setOwnHovered(t);
    // Own pointer only; external `hovered` arrives via props.
    props.onHover?.(t);
  };
  const posOf = (e: MouseEvent) => {
    const el = (e.target as HTMLElement).closest('[data-pos]');
    return el ? Number(el.getAttribute('data-pos')) : null;
  };
  const onKeyDown = (e: KeyboardEvent) => {
    const next = navigate(selected, e.key, n, p);
    if (next === undefined) return;
    e.preventDefault();
    select(next === null ? null : Math.max(start, next));
  };

  // The tooltip follows this strip's own pointer; with keyboard focus it shows the selected token.
  // (A token hovered in another view is only highlighted here, not explained twice.)
  const shown = ownHovered ?? (focused ? selected : null);
  const shownEl = shown !== null ? stripRef.current?.querySelector<HTMLElement>(`[data-pos="${shown}"]`) : null;

  const tokens = [];
  for (let t = start; t < n; t++) {
    const i = t - p;
    const shownText = displayToken(record.tokens[t]);
    const isResponse = i >= 0;
    const bg = isResponse ? signalColor(normalize(values[i], domain), interp) : 'transparent';
    const roles = isResponse ? rolesAt(record, i) : [];
    const cls = [
      'ts-token',
      isResponse ? 'is-response' : 'is-prompt',
      t === selected ? 'is-selected' : '',
      t === hovered ? 'is-hovered' : '',
      inSpan(t, span) ? '' : 'is-outside',
    ].join(' ');
    tokens.push(
      <span key={t} id={`${id}-t${t}`} data-pos={t} className={cls} role="option" aria-selected={t === selected}
        aria-label={`${t}: ${shownText.text}${isResponse ? `, ${describeRoles(roles)}` : ', prompt'}`}>
        <span className="ts-text" style={isResponse ? { background: bg, color: textColorOn(bg) } : undefined}>
          {shownText.parts.map((part, k) => (part.escaped ? <span key={k} className="ts-ws">{part.text}</span> : part.text))}
        </span>
        <span className="ts-marks" aria-hidden="true">
          {roles.map((r) => {
            const style = ROLES.find((x) => x.id === r)!;
            return <span key={r} style={{ color: style.color }}>{style.glyph}</span>;
          })}
        </span>
      </span>,
    );
    if (shownText.newline) tokens.push(<span key={`br${t}`} className="ts-break" />);
    if (t === p - 1 && showPrompt) tokens.push(<span key="boundary" className="ts-boundary" title="prompt | response" />);
  }

  const signalDef = signals.find((s) => s.id === signal);
  return (
    <section className="chart-panel token-strip" data-testid="token-strip" aria-label="Token strip">
      <div className="chart-toolbar">
        <h3 className="chart-title">Tokens</h3>
        <span className="chart-subtitle">{n - p} response tokens{showPrompt ? `, ${p} prompt` : ''}</span>
        <span className="chart-spacer" />
        <label className="ts-signal">
          Colour by{' '}
          <select value={signal} onChange={(e) => setSignal(e.target.value as SignalId)} aria-label="Signal that colours the tokens">
            {signals.map((s) => <option key={s.id} value={s.id} title={s.help}>{s.label}</option>)}
          </select>
        </label>
      </div>
      <div className="ts-legend">
        <ColorLegend spec={{ scheme, mode: 'linear', domain }} title={signalDef ? `${signalDef.label}: ${signalDef.help}` : signal} length={180} thickness={10} />
        <ul className="ts-roles" aria-label="Token roles">
          {ROLES.map((r) => (
            <li key={r.id} title={r.help}><span style={{ color: r.color }} aria-hidden="true">{r.glyph}</span> {r.label} <span className="ts-set">{r.set}</span></li>
          ))}
          <li className="ts-ws-legend" title="whitespace shown as symbols"><span className="ts-ws">␣ ↵ ⇥</span> whitespace</li>
        </ul>
      </div>
      <div ref={stripRef} className="ts-strip" role="listbox" tabIndex={0} aria-label="Tokens; arrow keys move the selection"
        aria-activedescendant={selected !== null ? `${id}-t${selected}` : undefined}
        onKeyDown={onKeyDown}
        onFocus={() => setFocused(true)}
        onBlur={() => setFocused(false)}
        onMouseOver={(e) => { const t = posOf(e); if (t !== ownHovered) hover(t); }}
        onMouseLeave={() => hover(null)}
        onClick={(e) => { const t = posOf(e); if (t !== null) select(t === selected ? null : t); }}>
        {tokens}
      </div>
      {shown !== null && shownEl && stripRef.current && (
        <TokenTooltip details={tokenDetails(record, shown)} anchor={shownEl} container={stripRef.current} />
      )}
    </section>
  );
}
