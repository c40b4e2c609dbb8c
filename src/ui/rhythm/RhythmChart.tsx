/**
 * Rhythm chart: WAAD (local heads) and FAI (global heads) over response positions in two stacked panels that
 * share x; role markers on the curve that defines them; τ_waad as a dashed rule; the hovered / selected token
 * as a vertical rule; a d3 brush selecting a span (onBrush). Scales, axes, lines and brush are d3; React owns
 * the SVG so the chart is self-contained and exportable.
 */
import { axisBottom, axisLeft, brushX, scaleLinear, select, type D3BrushEvent } from 'd3';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { AnalysisRecord } from '../../core/rhythm/record';
import { describeRoles, tokenDetails } from '../tokens/details';
import { tokenLabel } from '../tokens/display';
import type { TokenLinkProps } from '../tokens/link';
import {
  brushSpan,
  legendLayout,
  MARGIN,
  nearestPosition,
  rolePoints,
  showTokenLabels,
  xDomain,
  yDomain,
  type Panel,
} from './chartModel';
import { ChartExport } from './ChartExport';
import { LEGEND, RhythmLegend, RhythmPanel, secondFai } from './RhythmPanel';
import './rhythm.css';

export interface RhythmChartProps extends TokenLinkProps {
  record: AnalysisRecord;
  /** A span was brushed ([start, end] positions, inclusive) or cleared (null). */
  onBrush?: (span: [number, number] | null) => void;
  /** Fixed width in px; default: the container's width. */
  width?: number;
  /** Height of each panel in px (default 150). */
  panelHeight?: number;
}

const M = MARGIN;

export function RhythmChart(props: RhythmChartProps) {
  const { record, panelHeight = 150, hovered = null, selected = null, span = null } = props;
  const boxRef = useRef<HTMLDivElement>(null);
  const svgRef = useRef<SVGSVGElement>(null);
  const brushRef = useRef<SVGGElement>(null);
  const axisRefs = { waad: useRef<SVGGElement>(null), fai: useRef<SVGGElement>(null), x: useRef<SVGGElement>(null) };
  // null until the ResizeObserver's first entry: the axes and brush are built once, at the measured width.
  const [measured, setMeasured] = useState<number | null>(null);
  const [ownHover, setOwnHover] = useState<number | null>(null);
  const downX = useRef(0);
  const width = props.width ?? measured ?? 720;
  const sized = props.width !== undefined || measured !== null;

  useEffect(() => {
    if (props.width !== undefined || !boxRef.current) return;
    const ro = new ResizeObserver(([e]) => setMeasured(Math.max(320, Math.floor(e.contentRect.width))));
    ro.observe(boxRef.current);
    return () => ro.disconnect();
  }, [props.width]);

  const p = record.prompt_length;
  const n = record.tokens.length;
  const r = n - p;
  const innerW = width - M.left - M.right;
  const labels = showTokenLabels(r, innerW);
  const bottom = labels ? 64 : 36;
  // The legend wraps onto more rows in a narrow chart; the panels move down by a row each.
  const legend = useMemo(
    () =>
      legendLayout(
        LEGEND.map((e) => e.label),
        width - 24,
      ),
    [width],
  );
  const mTop = M.top + 16 * Math.max(...legend.map((e) => e.row));
  const height = mTop + 2 * panelHeight + M.gap + bottom;
  const x = useMemo(() => scaleLinear().domain(xDomain(record)).range([0, innerW]), [record, innerW]);
  const y = useMemo(
    () => ({
      waad: scaleLinear().domain(yDomain(record.waad)).range([panelHeight, 0]),
      fai: scaleLinear()
        .domain(yDomain([...record.fai, ...(secondFai(record) ?? [])]))
        .range([panelHeight, 0]),
    }),
    [record, panelHeight],
  );
  const top: Record<Panel, number> = { waad: mTop, fai: mTop + panelHeight + M.gap };
  const points = useMemo(() => rolePoints(record), [record]);

  // Axes: d3 draws into groups React placed.
  useEffect(() => {
    if (!sized) return;
    for (const k of ['waad', 'fai'] as Panel[]) {
      const g = axisRefs[k].current;
      if (g) select(g).call(axisLeft(y[k]).ticks(4).tickSizeOuter(0));
    }
    const gx = axisRefs.x.current;
    if (!gx) return;
    const ax = axisBottom(x).tickSizeOuter(0);
    if (labels)
      ax.tickValues(Array.from({ length: r }, (_, i) => p + i)).tickFormat((t) =>
        tokenLabel(record.tokens[Number(t)], 8),
      );
    else ax.ticks(Math.max(2, Math.floor(innerW / 70))).tickFormat((t) => String(t));
    const sel = select(gx).call(ax);
    sel
      .selectAll<SVGTextElement, unknown>('text')
      .attr('transform', labels ? 'rotate(-55)' : null)
      .style('text-anchor', labels ? 'end' : 'middle')
      .attr('dx', labels ? '-0.4em' : null)
      .attr('dy', labels ? '0.6em' : '0.71em');
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [x, y, labels, record, innerW, sized]);

  // Brush across both panels; reports only user gestures (programmatic moves have no sourceEvent).
  const onBrush = props.onBrush;
  useEffect(() => {
    const g = brushRef.current;
    if (!g || !sized) return;
    const b = brushX<unknown>()
      .extent([
        [0, 0],
        [innerW, 2 * panelHeight + M.gap],
      ])
      .on('end', (e: D3BrushEvent<unknown>) => {
        if (!e.sourceEvent) return;
        const s = e.selection as [number, number] | null;
        onBrush?.(s ? brushSpan(s[0], s[1], x.invert, p, n - 1) : null);
      });
    const sel = select(g).call(b);
    // Mirror the span prop (snapped to token edges), and clear the brush when the span is cleared elsewhere.
    sel.call(b.move, span ? [x(span[0] - 0.5), x(span[1] + 0.5)] : null);
    return () => {
      sel.on('.brush', null);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [x, innerW, panelHeight, span?.[0], span?.[1], onBrush, sized]);

  const hoverAt = (clientX: number) => {
    const rect = svgRef.current!.getBoundingClientRect();
    const t = nearestPosition(clientX - rect.left - M.left, x.invert, p, n - 1);
    if (t !== ownHover) {
      setOwnHover(t);
      props.onHover?.(t);
    }
  };
  const rule = (t: number | null, cls: string) =>
    t !== null && t >= p && t < n ? (
      <line className={cls} x1={x(t)} x2={x(t)} y1={0} y2={2 * panelHeight + M.gap} />
    ) : null;

  // Lines and markers change with the data and span only; a hover re-renders just the rules and tooltip.
  const panels = useMemo(
    () =>
      (['waad', 'fai'] as Panel[]).map((k) => (
        <RhythmPanel
          key={k}
          k={k}
          record={record}
          x={x}
          y={y[k]}
          offset={top[k] - mTop}
          panelHeight={panelHeight}
          innerW={innerW}
          points={points}
          span={span}
          axisRef={axisRefs[k]}
        />
      )),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [record, x, y, points, span?.[0], span?.[1], innerW, panelHeight, mTop],
  );
  const hoverShown = ownHover;
  const details = hoverShown !== null ? tokenDetails(record, hoverShown) : null;
  return (
    <section className="chart-panel rhythm-chart" data-testid="rhythm-chart" aria-label="Rhythm chart">
      <div className="chart-toolbar">
        <h3 className="chart-title">Rhythm</h3>
        <span className="chart-subtitle">drag to select a span{span ? ` · t ${span[0]}–${span[1]}` : ''}</span>
        <span className="chart-spacer" />
        {span && (
          <button type="button" className="chart-button" onClick={() => props.onBrush?.(null)}>
            Clear span
          </button>
        )}
        <ChartExport svgRef={svgRef} name="rhythm-chart" />
      </div>
      <div ref={boxRef} className="rc-box">
        <svg
          ref={svgRef}
          width={width}
          height={height}
          className="rc-svg"
          role="img"
          fontFamily="system-ui, sans-serif"
          aria-label={`WAAD and FAI over ${r} response tokens`}
          onMouseMove={(e) => hoverAt(e.clientX)}
          onMouseLeave={() => {
            setOwnHover(null);
            props.onHover?.(null);
          }}
          onMouseDown={(e) => {
            downX.current = e.clientX;
          }}
          onClick={(e) => {
            // A brush drag ends in a click too; only a click that did not move selects a token.
            if (Math.abs(e.clientX - downX.current) > 3 || ownHover === null) return;
            props.onSelect?.(ownHover === selected ? null : ownHover);
          }}
        >
          <rect x={0} y={0} width={width} height={height} fill="#fff" />
          <RhythmLegend layout={legend} x={mTop > M.top ? 12 : M.left} />
          <g transform={`translate(${M.left}, ${mTop})`}>
            {panels}
            {rule(selected, 'rc-rule-selected')}
            {rule(hovered ?? ownHover, 'rc-rule-hover')}
            <g ref={axisRefs.x} className="rc-axis" transform={`translate(0, ${2 * panelHeight + M.gap})`} />
            <text className="rc-axis-title" x={innerW / 2} y={2 * panelHeight + M.gap + bottom - 4} textAnchor="middle">
              {labels ? 'response token' : 'position t'}
            </text>
            <g ref={brushRef} className="rc-brush" />
          </g>
        </svg>
        {details && details.responseIndex !== null && (
          <div
            className="chart-tooltip rc-tooltip"
            role="tooltip"
            style={{ left: Math.min(M.left + x(details.position) + 12, width - 200), top: mTop + 8 }}
          >
            <span className="tok">{tokenLabel(details.token, 24)}</span>{' '}
            <span className="muted">t = {details.position}</span>
            <div>
              WAAD <span className="num">{details.values[0][1]}</span> · FAI{' '}
              <span className="num">{details.values[1][1]}</span> · Δ{' '}
              <span className="num">{details.values[2][1]}</span>
            </div>
            {details.roles.length > 0 && <div className="muted">{describeRoles(details.roles)}</div>}
          </div>
        )}
      </div>
    </section>
  );
}
