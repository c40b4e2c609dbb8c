/**
 * The comparison table (one row per strategy: finished runs, final held-out accuracy and reward AUC as mean ± 95% CI
 * over seeds, the starting model's accuracy, the paired difference from uniform) and the exports of the curves. Numbers as `rhythmscope experiment`.
 */
import { useMemo } from 'react';
import { exportComparison, type TrainExportKind } from './exports';
import { strategyColor } from './series';
import { formatDifference, formatHolm, formatInterval, formatPercent, summaryRows } from './summary';
import { useTrainStore } from './trainStore';

const EXPORTS: { kind: TrainExportKind; testId: string; label: string }[] = [
  { kind: 'curves-csv', testId: 'train-export-csv', label: 'Curves .csv' },
  { kind: 'summary-csv', testId: 'train-export-summary-csv', label: 'Table .csv' },
  { kind: 'svg', testId: 'train-export-svg', label: 'Figure .svg' },
  { kind: 'png', testId: 'train-export-png', label: 'Figure .png' },
];

export function TrainSummary() {
  const runs = useTrainStore((s) => s.runs);
  const rows = useMemo(() => summaryRows(runs), [runs]);
  const pending = runs.filter((r) => !r.done).length;
  const hasLines = runs.some((r) => r.lines.length > 0);
  return (
    <div className="card train-summary-card">
      <h3 className="card-title">
        Comparison <span className="train-sub">mean ± 95% CI over seeds (Student t), in %</span>
      </h3>
      <table className="train-summary" data-testid="train-summary">
        <thead>
          <tr>
            <th scope="col">strategy</th>
            <th scope="col">runs</th>
            <th scope="col">final held-out accuracy</th>
            <th scope="col">reward AUC</th>
            <th scope="col">starting model</th>
            <th
              scope="col"
              title="final held-out accuracy minus uniform's, seed by seed (the seeds share their problems), mean ± 95% CI"
            >
              Δ acc. vs uniform, paired
            </th>
            <th
              scope="col"
              data-testid="train-summary-holm"
              title="p of that difference: two-sided paired t-test across seeds, Holm step-down over the strategies compared with uniform (as rhythmscope experiment's summary)"
            >
              Holm p
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.strategy} data-strategy={r.strategy}>
              <td>
                <span className="train-swatch" style={{ background: strategyColor(r.strategy) }} aria-hidden="true" />{' '}
                {r.strategy}
              </td>
              <td>{r.runs}</td>
              <td>{formatInterval(r.finalAccuracy)}</td>
              <td>{formatInterval(r.rewardAuc)}</td>
              <td>{formatPercent(r.startAccuracy)}</td>
              <td>{formatDifference(r.vsUniform)}</td>
              <td>{formatHolm(r.pHolm)}</td>
            </tr>
          ))}
          {rows.length === 0 && (
            <tr>
              <td colSpan={7} className="train-hint">
                No finished run yet: a row appears as each strategy's runs end.
              </td>
            </tr>
          )}
        </tbody>
      </table>
      <p className="train-hint">
        Reward AUC = area under the mean-reward curve ÷ steps (the mean reward over the run); CI needs ≥ 2 seeds.
        {pending > 0 && ` ${pending} run${pending === 1 ? '' : 's'} still training or unfinished, not in the table.`}
      </p>
      <div className="train-tuned-row">
        <span className="field-label">Export</span>
        {EXPORTS.map((x) => (
          <button
            key={x.kind}
            type="button"
            className="btn btn-small"
            data-testid={x.testId}
            disabled={!hasLines}
            onClick={() => void exportComparison(x.kind)}
          >
            {x.label}
          </button>
        ))}
      </div>
    </div>
  );
}
