/** PNG / SVG export buttons for a live <svg> chart, through the shared figure export (src/ui/figures). */
import { useState, type RefObject } from 'react';
import { exportPng, exportSvg } from '../figures/export';

export interface ChartExportProps {
  svgRef: RefObject<SVGSVGElement | null>;
  /** File name without extension. */
  name: string;
}

export function ChartExport({ svgRef, name }: ChartExportProps) {
  const [error, setError] = useState<string | null>(null);
  const run = async (kind: 'png' | 'svg') => {
    const svg = svgRef.current;
    if (!svg) return;
    setError(null);
    try {
      if (kind === 'svg') exportSvg(svg, `${name}.svg`);
      else await exportPng(svg, `${name}.png`);
    } catch (e) {
      setError(`export failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  return (
    <span className="chart-export" role="group" aria-label="Export figure">
      <button
        type="button"
        className="chart-button"
        onClick={() => void run('png')}
        title="Download as PNG (2× resolution)"
      >
        PNG
      </button>
      <button type="button" className="chart-button" onClick={() => void run('svg')} title="Download as SVG">
        SVG
      </button>
      {error && (
        <span role="alert" className="chart-export-error">
          {error}
        </span>
      )}
    </span>
  );
}
