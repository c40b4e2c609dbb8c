import { useState } from 'react';
import { exportPng, exportSvg } from './export';

/**
 * SVG and PNG (2×) download buttons for a figure built on demand (building can take a moment: a heatmap or a gallery
 * is rasterised first), disabled while one export runs.
 */
export function SvgPngButtons(p: {
  /** The figure as an SVG document string, built when a button is pressed. */
  build: () => string;
  /** File name without extension. */
  name: string;
  label: string;
  /** Hover text of the buttons; "SVG"/"PNG (2×)" is appended. */
  what?: string;
}) {
  const [busy, setBusy] = useState(false);
  const run = async (fn: () => Promise<void> | void) => {
    setBusy(true);
    try {
      await fn();
    } finally {
      setBusy(false);
    }
  };
  return (
    <span className="export-buttons" role="group" aria-label={p.label}>
      <button
        type="button"
        className="chart-button"
        disabled={busy}
        onClick={() => run(() => exportSvg(p.build(), `${p.name}.svg`))}
        title={p.what ? `Download ${p.what} as SVG` : undefined}
      >
        SVG
      </button>
      <button
        type="button"
        className="chart-button"
        disabled={busy}
        onClick={() => run(() => exportPng(p.build(), `${p.name}.png`, 2))}
        title={p.what ? `Download ${p.what} as PNG (2×)` : undefined}
      >
        PNG
      </button>
    </span>
  );
}
