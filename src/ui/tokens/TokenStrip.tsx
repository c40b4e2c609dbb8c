/**
 * Token strip: the prompt (dimmed) and the response as text, each response token coloured by a chosen signal,
 * with role glyphs under it, a legend, a tooltip with every value, and keyboard navigation.
 * Token text is rendered as React text nodes only (a token like `<img onerror=…>` shows as text).
 */
import {
  memo,
  useCallback,
  useId,
  useMemo,
  useRef,
  useState,
  type CSSProperties,
  type KeyboardEvent,
  type MouseEvent,
} from 'react';
import type { AnalysisRecord } from '../../core/rhythm/record';
import { SCHEMES, type SchemeName } from '../theme/scales';
import { describeRoles, lineNeighbour, navigate, tokenDetails } from './details';
import { displayToken } from './display';
import { inSpan, type TokenLinkProps } from './link';
import { ROLES, rolesAt, type RoleStyle } from './roles';
import { Term } from '../glossary/Term';
import { SignalLegend } from './SignalLegend';
import {
  availableSignals,
  signalCellColor,
  signalDomainFor,
  signalValues,
  textColorOn,
  type SignalId,
} from './signals';
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
  const select = useCallback(
    (t: number | null) => {
      setOwnSelected(t);
      props.onSelect?.(t);
      if (t !== null)
        stripRef.current?.querySelector(`[data-pos="${t}"]`)?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
    },
    [props.onSelect],
  );
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
    if ((e.key === 'ArrowUp' || e.key === 'ArrowDown') && selected !== null && stripRef.current) {
      // Visual lines come from layout, so read the token boxes at the moment of the key press.
      const boxes = Array.from(stripRef.current.querySelectorAll<HTMLElement>('[data-pos]'), (el) => {
        const r = el.getBoundingClientRect();
        return { t: Number(el.dataset.pos), x: r.left + r.width / 2, y: r.top };
      });
      const t = lineNeighbour(boxes, selected, e.key === 'ArrowUp' ? 'up' : 'down');
      e.preventDefault();
      if (t !== undefined) select(t);
      return;
    }
    const next = navigate(selected, e.key, n, p);
    if (next === undefined) return;
    e.preventDefault();
    select(next === null ? null : Math.max(start, next));
  };

  // The tooltip follows this strip's own pointer; with keyboard focus it shows the selected token.
  // (A token hovered in another view is only highlighted here, not explained twice.)
  const shown = ownHovered ?? (focused ? selected : null);
  const shownEl = shown !== null ? stripRef.current?.querySelector<HTMLElement>(`[data-pos="${shown}"]`) : null;

  // Per-token drawing data depends on the record, signal and scheme only; hover / selection changes re-render
  // just the few TokenItems whose flags changed (memo), which keeps N = 1024 strips responsive.
  const items = useMemo(() => {
    const out: TokenItemData[] = [];
    for (let t = start; t < n; t++) {
      const i = t - p;
      const shownText = displayToken(record.tokens[t]);
      const isResponse = i >= 0;
      const bg = isResponse ? signalCellColor(signal, values[i], domain, interp) : 'transparent';
      const roles = isResponse ? rolesAt(record, i) : [];
      out.push({
        t,
        parts: shownText.parts,
        newline: shownText.newline,
        isResponse,
        style: isResponse ? { background: bg, color: textColorOn(bg) } : undefined,
        glyphs: roles.map((r) => ROLES.find((x) => x.id === r)!),
        label: `${t}: ${shownText.text}${isResponse ? `, ${describeRoles(roles)}` : ', prompt'}`,
        boundaryAfter: showPrompt && t === p - 1,
      });
    }
    return out;
  }, [record, signal, values, domain, interp, start, n, p, showPrompt]);

  const chunks = useMemo(() => {
    const out: TokenItemData[][] = [];
    for (let k = 0; k < items.length; k += CHUNK) out.push(items.slice(k, k + CHUNK));
    return out;
  }, [items]);

  const signalDef = signals.find((s) => s.id === signal);
  return (
    <section className="chart-panel token-strip" data-testid="token-strip" aria-label="Token strip">
      <div className="chart-toolbar">
        <h3 className="chart-title">Tokens</h3>
        <span className="chart-subtitle">
          {n - p} response tokens{showPrompt ? `, ${p} prompt` : ''}
        </span>
        <span className="chart-spacer" />
        <label className="ts-signal">
          Colour by{' '}
          <select
            value={signal}
            onChange={(e) => setSignal(e.target.value as SignalId)}
            aria-label="Signal that colours the tokens"
          >
            {signals.map((s) => (
              <option key={s.id} value={s.id} title={s.help}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="ts-legend">
        <SignalLegend
          record={record}
          signal={signal}
          domain={domain}
          scheme={scheme}
          title={signalDef ? `${signalDef.label}: ${signalDef.help.split(':')[0]}` : signal}
        />
        <ul className="ts-roles" aria-label="Token roles">
          {ROLES.map((r) => (
            <li key={r.id}>
              <span style={{ color: r.color }} aria-hidden="true">
                {r.glyph}
              </span>{' '}
              <Term id={r.id}>{r.label}</Term> <span className="ts-set">{r.set}</span>
            </li>
          ))}
          <li className="ts-ws-legend" title="whitespace shown as symbols">
            <span className="ts-ws">␣ ↵ ⇥</span> whitespace
          </li>
        </ul>
      </div>
      <div
        ref={stripRef}
        className="ts-strip"
        role="listbox"
        tabIndex={0}
        aria-label="Tokens; arrow keys move the selection, Home/End jump, Escape clears"
        aria-activedescendant={selected !== null ? `${id}-t${selected}` : undefined}
        onKeyDown={onKeyDown}
        onFocus={() => setFocused(true)}
        onBlur={() => setFocused(false)}
        onMouseOver={(e) => {
          const t = posOf(e);
          if (t !== ownHovered) hover(t);
        }}
        onMouseLeave={() => hover(null)}
        onClick={(e) => {
          const t = posOf(e);
          if (t !== null) select(t === selected ? null : t);
        }}
      >
        {chunks.map((chunk) => {
          const first = chunk[0].t;
          const last = chunk[chunk.length - 1].t;
          const within = (t: number | null) => (t !== null && t >= first && t <= last ? t : null);
          return (
            <TokenChunk
              key={first}
              items={chunk}
              idPrefix={id}
              selected={within(selected)}
              hovered={within(hovered)}
              spanStart={span ? span[0] : null}
              spanEnd={span ? span[1] : null}
            />
          );
        })}
      </div>
      {shown !== null && shownEl && stripRef.current && (
        <TokenTooltip details={tokenDetails(record, shown)} anchor={shownEl} container={stripRef.current} />
      )}
    </section>
  );
}

interface TokenItemData {
  t: number;
  parts: { text: string; escaped: boolean }[];
  newline: boolean;
  isResponse: boolean;
  style?: CSSProperties;
  glyphs: RoleStyle[];
  label: string;
  boundaryAfter: boolean;
}

/** Tokens per memoised chunk: a hover re-renders the one or two chunks holding the old and new token. */
const CHUNK = 32;

const TokenChunk = memo(function TokenChunk({
  items,
  idPrefix,
  selected,
  hovered,
  spanStart,
  spanEnd,
}: {
  items: TokenItemData[];
  idPrefix: string;
  selected: number | null;
  hovered: number | null;
  spanStart: number | null;
  spanEnd: number | null;
}) {
  const span: [number, number] | null = spanStart !== null && spanEnd !== null ? [spanStart, spanEnd] : null;
  return (
    <span className="ts-chunk">
      {items.map((item) => (
        <TokenItem
          key={item.t}
          item={item}
          id={`${idPrefix}-t${item.t}`}
          selected={item.t === selected}
          hovered={item.t === hovered}
          outside={!inSpan(item.t, span)}
        />
      ))}
    </span>
  );
});

const TokenItem = memo(function TokenItem({
  item,
  id,
  selected,
  hovered,
  outside,
}: {
  item: TokenItemData;
  id: string;
  selected: boolean;
  hovered: boolean;
  outside: boolean;
}) {
  const cls = `ts-token ${item.isResponse ? 'is-response' : 'is-prompt'}${selected ? ' is-selected' : ''}${hovered ? ' is-hovered' : ''}${outside ? ' is-outside' : ''}`;
  return (
    <>
      <span id={id} data-pos={item.t} className={cls} role="option" aria-selected={selected} aria-label={item.label}>
        <span className="ts-text" style={item.style}>
          {item.parts.map((part, k) =>
            part.escaped ? (
              <span key={k} className="ts-ws">
                {part.text}
              </span>
            ) : (
              part.text
            ),
          )}
        </span>
        <span className="ts-marks" aria-hidden="true">
          {item.glyphs.map((g) => (
            <span key={g.id} style={{ color: g.color }}>
              {g.glyph}
            </span>
          ))}
        </span>
      </span>
      {item.newline && <span className="ts-break" />}
      {item.boundaryAfter && <span className="ts-boundary" title="prompt | response" />}
    </>
  );
});
