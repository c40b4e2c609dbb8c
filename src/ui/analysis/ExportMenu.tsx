/**
 * The app's one Export menu (header, data-testid="export-menu"): credits as JSON / CSV / verl (the engine's writers,
 * as the CLI), the attention dump, a PNG and an SVG figure of every view, and "Import attention dump". Figures of
 * the canvas/SVG views come from the views' own figure builders or live SVG; the HTML views (token strip, credit)
 * from figures.ts. Other views open it with openExportMenu() instead of carrying buttons of their own.
 */
import { useEffect, useRef } from 'react';
import { create } from 'zustand';
import type { AnalysisRecord } from '../../core/rhythm/record';
import { buildHeatmapFigure } from '../attention/HeatmapExportButtons';
import { quantizeMap } from '../attention/raster';
import { creditExport, CREDIT_EXPORTS } from '../credit/exports';
import { downloadFile } from '../credit/download';
import { gammaDomain } from '../credit/creditModel';
import { exportPng, exportSvg, svgDocument, textEl } from '../figures';
import { autoDomain, makeLut } from '../theme/scales';
import { signalDomainFor, signalValues, STRATEGY_LABELS } from '../tokens/signals';
import { reportError } from '../app/noticeStore';
import { exportDumpFile, importDumpFile } from './actions';
import { tokenRowsSvg } from './figures';
import { choiceLabel } from './AttentionPanel';
import { useAnalysisStore, useUiStore } from './stores';

export type FigureView = 'heatmap' | 'rhythm' | 'gallery' | 'tokens' | 'credit';
const VIEWS: { id: FigureView; label: string }[] = [
  { id: 'tokens', label: 'Token strip' },
  { id: 'rhythm', label: 'Rhythm chart' },
  { id: 'heatmap', label: 'Attention map' },
  { id: 'gallery', label: 'Head gallery' },
  { id: 'credit', label: 'Credit view' },
];

/** A figure of a view as SVG text, or a canvas (gallery) for PNG. */
function figureOf(view: FigureView): string | SVGSVGElement | HTMLCanvasElement {
  const { record, map } = useAnalysisStore.getState();
  const ui = useUiStore.getState();
  if (!record) throw new Error('nothing analysed yet');
  const n = record.tokens.length;
  switch (view) {
    case 'heatmap': {
      if (!map) throw new Error('the attention map is still loading');
      const domain = autoDomain(map.map, ui.mode);
      return buildHeatmapFigure({
        map: map.map,
        indices: quantizeMap(map.map, n, ui.mode, domain),
        lut: makeLut(ui.scheme),
        tokens: record.tokens,
        promptLength: record.prompt_length,
        title: choiceLabel(map.choice, record.heads),
        spec: { scheme: ui.scheme, mode: ui.mode, domain },
        rows: [0, n - 1],
        cols: [0, n - 1],
      });
    }
    case 'rhythm': {
      const svg = document.querySelector<SVGSVGElement>('[data-testid="rhythm-chart"] svg.rc-svg');
      if (!svg) throw new Error('the rhythm chart is not on screen');
      return svg;
    }
    case 'gallery': {
      const canvas = document.querySelector<HTMLCanvasElement>('[data-testid="head-gallery"] canvas');
      if (!canvas) throw new Error('the head gallery is not on screen');
      return canvas;
    }
    case 'tokens': {
      const values = signalValues(record, ui.signal) ?? record.waad;
      return tokenRowsSvg(
        record,
        [{ label: ui.signal, values }],
        ui.scheme,
        signalDomainFor(record, ui.signal),
        `Response tokens coloured by ${ui.signal}`,
        ui.signal,
      );
    }
    case 'credit': {
      const rows = Object.entries(record.gamma).map(([k, v]) => ({
        label: `γ ${STRATEGY_LABELS[k as keyof typeof STRATEGY_LABELS] ?? k}`,
        values: v as number[],
      }));
      return tokenRowsSvg(
        record,
        rows,
        ui.scheme,
        gammaDomain(record),
        `γ per token and strategy (γ_amp ${record.options.gamma_amp})`,
        'γ',
      );
    }
  }
}

/** The gallery's canvas wrapped in an SVG with a caption (the thumbnails are a raster on screen too). */
function canvasSvg(canvas: HTMLCanvasElement, title: string): string {
  const w = canvas.width,
    h = canvas.height;
  return svgDocument(
    w,
    h + 28,
    textEl(8, 18, title, 'font-size="13" font-weight="bold" fill="#111"') +
      `<image x="0" y="28" width="${w}" height="${h}" href="${canvas.toDataURL('image/png')}"/>\n`,
    title,
  );
}

export async function exportFigure(view: FigureView, kind: 'png' | 'svg'): Promise<void> {
  try {
    const fig = figureOf(view);
    const name = `rhythmscope-${view}.${kind}`;
    if (kind === 'png') await exportPng(fig, name);
    else
      exportSvg(
        fig instanceof HTMLCanvasElement ? canvasSvg(fig, 'Head gallery: every head, max-pooled attention') : fig,
        name,
      );
  } catch (e) {
    reportError(`Exporting the ${view} figure`, e);
  }
}

/** Open state of the one menu, so a view (the credit view's "Export…") can open it. */
export const useExportMenuStore = create<{ open: boolean; focusFirst: boolean }>(() => ({
  open: false,
  focusFirst: false,
}));

/** Opens the Export menu and focuses its first item (which scrolls it into view). */
export function openExportMenu(): void {
  useExportMenuStore.setState({ open: true, focusFirst: true });
}

const closeMenu = () => useExportMenuStore.setState({ open: false, focusFirst: false });

export function AppExportMenu() {
  const record = useAnalysisStore((s) => s.record);
  const summary = useAnalysisStore((s) => s.summary);
  const busy = useAnalysisStore((s) => s.running !== null);
  const { open, focusFirst } = useExportMenuStore();
  const detailsRef = useRef<HTMLDetailsElement>(null);

  useEffect(() => {
    if (!open) return;
    if (focusFirst) {
      detailsRef.current?.querySelector<HTMLButtonElement>('button:not(:disabled)')?.focus();
      useExportMenuStore.setState({ focusFirst: false });
    }
    // A click outside or Escape closes it, as menus do.
    const onPointer = (e: PointerEvent) => {
      if (!detailsRef.current?.contains(e.target as Node)) closeMenu();
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') closeMenu();
    };
    document.addEventListener('pointerdown', onPointer);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('pointerdown', onPointer);
      document.removeEventListener('keydown', onKey);
    };
  }, [open, focusFirst]);

  return (
    <details
      className="export-menu"
      data-testid="export-menu"
      ref={detailsRef}
      open={open}
      onToggle={(e) => {
        if (e.currentTarget.open !== useExportMenuStore.getState().open)
          useExportMenuStore.setState({ open: e.currentTarget.open });
      }}
    >
      <summary className="btn btn-small" data-testid="export-menu-toggle">
        Export ▾
      </summary>
      <ExportMenuBody record={record} modelName={summary?.name} busy={busy} onDone={closeMenu} />
    </details>
  );
}

interface ExportMenuBodyProps {
  record: AnalysisRecord | null;
  /** The model's name, the base of the credit files' names. */
  modelName?: string;
  /** An analysis or a dump import is running: no dump export, no import. */
  busy: boolean;
  /** After an item was chosen (the menu closes). */
  onDone: () => void;
}

/** The menu's items; exports need an analysed record. */
export function ExportMenuBody({ record, modelName, busy, onDone }: ExportMenuBodyProps) {
  const fileRef = useRef<HTMLInputElement>(null);
  return (
    <div className="export-menu-body" role="menu">
      <div className="export-group">
        <span className="export-group-label">Credits</span>
        {CREDIT_EXPORTS.map(({ format, label, help }) => (
          <button
            key={format}
            type="button"
            className="chart-button"
            role="menuitem"
            data-testid={`export-credits-${format}`}
            title={help}
            disabled={!record}
            onClick={() => {
              if (record) downloadFile(creditExport([record], format, modelName));
              onDone();
            }}
          >
            {label}
          </button>
        ))}
      </div>
      <div className="export-group">
        <span className="export-group-label">Attention</span>
        <button
          type="button"
          className="chart-button"
          role="menuitem"
          data-testid="export-dump"
          disabled={!record || busy}
          title="The sequence's attention maps as a safetensors dump (formats.md)"
          onClick={() => {
            void exportDumpFile();
            onDone();
          }}
        >
          Dump (.safetensors)
        </button>
      </div>
      {VIEWS.map((v) => (
        <div className="export-group" key={v.id}>
          <span className="export-group-label">{v.label}</span>
          {(['png', 'svg'] as const).map((k) => (
            <button
              key={k}
              type="button"
              className="chart-button"
              role="menuitem"
              data-testid={`export-figure-${v.id}-${k}`}
              disabled={!record}
              onClick={() => {
                void exportFigure(v.id, k);
                onDone();
              }}
            >
              {k.toUpperCase()}
            </button>
          ))}
        </div>
      ))}
      <div className="export-group export-import">
        <button
          type="button"
          className="btn btn-small"
          data-testid="import-dump-button"
          disabled={busy}
          onClick={() => fileRef.current?.click()}
        >
          Import attention dump…
        </button>
        <input
          ref={fileRef}
          type="file"
          accept=".safetensors,application/octet-stream"
          className="visually-hidden"
          data-testid="import-dump-input"
          onChange={(e) => {
            const f = e.target.files?.[0];
            e.target.value = '';
            onDone();
            if (f) void importDumpFile(f);
          }}
        />
      </div>
    </div>
  );
}
