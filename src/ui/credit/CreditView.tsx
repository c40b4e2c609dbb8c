/**
 * Credit view: γ per response token for every strategy as a heat strip (rows = strategies, columns = tokens,
 * scrolling horizontally and following the linked selection), role glyphs above the columns, role counts,
 * thresholds and the linkage summary. Exports live in the app's one Export menu; `onOpenExport` adds a button here
 * that opens it.
 */
import { useEffect, useMemo, useRef, type MouseEvent } from 'react';
import type { AnalysisRecord } from '../../core/rhythm/record';
import { SignalLegend } from '../tokens/SignalLegend';
import { SCHEMES, type SchemeName } from '../theme/scales';
import { tokenLabel } from '../tokens/display';
import { inSpan, type TokenLinkProps } from '../tokens/link';
import { ROLES, rolesAt } from '../tokens/roles';
import { formatValue } from '../tokens/signals';
import { creditRows, gammaDomain, gammaColor, roleSummary, thresholdSummary } from './creditModel';
import { define } from '../glossary/glossary';
import './credit.css';

export interface CreditViewProps extends TokenLinkProps {
  record: AnalysisRecord;
  scheme?: SchemeName;
  /** The model's name, named in the export button's tooltip. */
  exportName?: string;
  /** Opens the app's Export menu (credits JSON / CSV / verl, figures); no button without it. */
  onOpenExport?: () => void;
}

const CELL = 18;
const LABEL_W = 150;

export function CreditView(props: CreditViewProps) {
  const { record, scheme = 'viridis', hovered = null, selected = null, span = null } = props;
  const rows = useMemo(() => creditRows(record), [record]);
  const domain = useMemo(() => gammaDomain(record), [record]);
  const interp = SCHEMES[scheme].interpolate;
  const scrollRef = useRef<HTMLDivElement>(null);
  const p = record.prompt_length;
  const r = record.waad.length;

  // Keep the selected column in view (scroll only this box, never the page).
  useEffect(() => {
    const box = scrollRef.current;
    if (!box || selected === null || selected < p) return;
    const x = (selected - p) * CELL;
    if (x < box.scrollLeft || x + CELL > box.scrollLeft + box.clientWidth - LABEL_W) {
      box.scrollLeft = Math.max(0, x - (box.clientWidth - LABEL_W) / 2);
    }
  }, [selected, p]);

  const posOf = (e: MouseEvent) => {
    const el = (e.target as HTMLElement).closest('[data-pos]');
    return el ? Number(el.getAttribute('data-pos')) : null;
  };
  // The grid depends on the record, scheme and span only; hover and selection are two overlay columns, so a
  // pointer move does not re-render thousands of cells.
  const grid = useMemo(() => {
    const outside = (t: number) => (inSpan(t, span) ? '' : ' is-outside');
    const cols = Array.from({ length: r }, (_, i) => p + i);
    return [
      <div key="corner" className="cv-corner cv-head">
        <span>strategy</span>
        <span className="cv-count">boosted</span>
      </div>,
      ...cols.map((t) => (
        <div
          key={`h${t}`}
          data-pos={t}
          className={`cv-tok cv-head${outside(t)}`}
          title={`t = ${t}: ${tokenLabel(record.tokens[t], 40)}`}
        >
          {tokenLabel(record.tokens[t], 6)}
        </div>
      )),
      <div key="roles" className="cv-rowlabel cv-roles-label">
        roles
      </div>,
      ...cols.map((t) => (
        <div key={`r${t}`} data-pos={t} className={`cv-roles${outside(t)}`} aria-hidden="true">
          {rolesAt(record, t - p).map((id) => {
            const s = ROLES.find((x) => x.id === id)!;
            return (
              <span key={id} style={{ color: s.color }}>
                {s.glyph}
              </span>
            );
          })}
        </div>
      )),
      ...rows.flatMap((row) => [
        <div
          key={row.strategy}
          className="cv-rowlabel"
          title={`${define(row.label) ?? row.label} Here: ${row.changed} of ${r} tokens boosted, mean γ ${formatValue(row.mean)}.`}
        >
          <span>{row.label}</span> <span className="cv-count">{row.changed}</span>
        </div>,
        ...row.gamma.map((g, i) => (
          <div
            key={`${row.strategy}${i}`}
            data-pos={p + i}
            role="gridcell"
            className={`cv-cell${outside(p + i)}`}
            style={{ background: gammaColor(g, domain, interp) }}
            title={`${row.label}, t = ${p + i}: γ = ${formatValue(g)}`}
          />
        )),
      ]),
    ];
  }, [record, rows, domain, interp, span, p, r]);
  const column = (t: number | null, cls: string) =>
    t !== null && t >= p && t < p + r ? (
      <div className={cls} style={{ left: LABEL_W + (t - p) * CELL, width: CELL }} aria-hidden="true" />
    ) : null;

  return (
    <section className="chart-panel credit-view" data-testid="credit-view" aria-label="Credit view">
      <div className="chart-toolbar">
        <h3 className="chart-title">Credit</h3>
        <span className="chart-subtitle">
          γ per token for each strategy (γ_amp {formatValue(record.options.gamma_amp)}, α{' '}
          {formatValue(record.options.alpha)}, q {formatValue(record.options.q)})
        </span>
        <span className="chart-spacer" />
        {props.onOpenExport && (
          <button
            type="button"
            className="chart-button"
            data-testid="credit-export-button"
            onClick={props.onOpenExport}
            title={`Export the credits${props.exportName ? ` of ${props.exportName}` : ''} (JSON, CSV, verl) or a figure: opens the Export menu`}
          >
            Export…
          </button>
        )}
      </div>

      <div className="cv-summary">
        <dl className="cv-stats" aria-label="Role counts">
          {roleSummary(record).map((s, k) => (
            <div key={s.label} title={s.help}>
              <dt>
                <span style={{ color: ROLES[k].color }} aria-hidden="true">
                  {ROLES[k].glyph}
                </span>{' '}
                {s.label}
              </dt>
              <dd>{s.value}</dd>
            </div>
          ))}
        </dl>
        <dl className="cv-stats" aria-label="Thresholds and linkage">
          {thresholdSummary(record).map((s) => (
            <div key={s.label} title={s.help}>
              <dt>{s.label}</dt>
              <dd>{s.value}</dd>
            </div>
          ))}
        </dl>
        <SignalLegend record={record} signal="gamma.uniform" domain={domain} scheme={scheme} title="γ colours" />
      </div>

      <div
        ref={scrollRef}
        className="cv-scroll"
        role="grid"
        aria-label="γ per token and strategy"
        onMouseOver={(e) => {
          const t = posOf(e);
          if (t !== null && t !== hovered) props.onHover?.(t);
        }}
        onMouseLeave={() => props.onHover?.(null)}
        onClick={(e) => {
          const t = posOf(e);
          if (t !== null) props.onSelect?.(t === selected ? null : t);
        }}
      >
        <div className="cv-layer">
          {/* Overlays live outside the grid: moving them must not relayout thousands of grid items. */}
          {column(hovered, 'cv-col-hover')}
          {column(selected, 'cv-col-selected')}
          <div
            className="cv-grid"
            style={{ gridTemplateColumns: `${LABEL_W}px repeat(${r}, ${CELL}px)`, gridTemplateRows: '52px 20px' }}
          >
            {grid}
          </div>
        </div>
      </div>
    </section>
  );
}
