/** Live charts of a comparison, the fine-tuned model's actions (export, load, before/after) and saved checkpoints. */
import { useMemo } from 'react';
import { HEAD_CLASS_COLORS } from '../theme/palette';
import { resumeCheckpoint } from './actions';
import { computeBeforeAfter, exportTuned, loadTuned, selectRun } from './tuned';
import { isResumable } from './checkpointStore';
import { openCheckpoint, removeCheckpoint } from './checkpoints';
import { LineChart } from './LineChart';
import { TrainSummary } from './TrainSummary';
import { buildSeries, maxAbsChange, METRICS, type Series } from './series';
import { useTrainStore } from './trainStore';
import type { BeforeAfterResult } from '../../worker/train-protocol';

export function TrainResults() {
  return (
    <>
      <Charts />
      <TrainSummary />
      <TunedModel />
      <BeforeAfter />
      <Checkpoints />
    </>
  );
}

function Charts() {
  const runs = useTrainStore((s) => s.runs);
  const series = useMemo(() => Object.fromEntries(METRICS.map((m) => [m.id, buildSeries(runs, m.id)])), [runs]);
  return (
    <div className="card train-charts-card">
      <h3 className="card-title">
        Training curves <span className="train-sub">colour = strategy, dash = seed</span>
      </h3>
      <div className="train-charts">
        {METRICS.map((m) => (
          <LineChart
            key={m.id}
            testId={`train-chart-${m.id}`}
            title={m.title}
            xLabel="step"
            yLabel={m.yLabel}
            series={series[m.id]}
          />
        ))}
      </div>
    </div>
  );
}

function TunedModel() {
  const runs = useTrainStore((s) => s.runs);
  const selected = useTrainStore((s) => s.selected);
  const busy = useTrainStore((s) => s.busy);
  const live = useTrainStore((s) => s.live);
  // A resumed run is not live (its other runs come from IndexedDB) but is the selected one while it trains.
  const going = useTrainStore((s) => s.status === 'starting' || s.status === 'running' || s.status === 'paused');
  const run = runs.find((r) => r.index === selected);
  const canExport = !!run && run.step > 0 && (live || !!run.checkpointId);
  return (
    <div className="card train-tuned">
      <h3 className="card-title">Fine-tuned model</h3>
      <div className="train-tuned-row">
        <label className="field-label" htmlFor="train-run-select">
          Run
        </label>
        <select
          id="train-run-select"
          className="select"
          data-testid="train-run-select"
          value={selected}
          disabled={runs.length === 0}
          onChange={(e) => selectRun(Number(e.target.value))}
        >
          {runs.map((r) => (
            <option key={r.index} value={r.index}>
              {r.strategy} · seed {r.seed} · step {r.step}
              {r.done ? '' : live || (going && r.index === selected) ? ' (training)' : ' (unfinished)'}
            </option>
          ))}
        </select>
        <button
          type="button"
          className="btn"
          data-testid="train-export"
          disabled={!canExport || busy !== null}
          onClick={() => void exportTuned()}
        >
          {busy === 'export' ? 'Exporting…' : 'Export .zip'}
        </button>
        <button
          type="button"
          className="btn"
          data-testid="train-load-tuned"
          disabled={!canExport || busy !== null}
          onClick={() => void loadTuned()}
        >
          {busy === 'load' ? 'Loading…' : 'Load into workbench'}
        </button>
        <button
          type="button"
          className="btn"
          data-testid="train-before-after-run"
          disabled={!canExport || !live || busy !== null}
          onClick={() => void computeBeforeAfter()}
          title={
            live
              ? 'WAAD and FAI of the starting and the fine-tuned model on the same prompt + response'
              : 'needs the runs of this session: train again (or Open a checkpoint and analyse it in the workbench)'
          }
        >
          {busy === 'before-after' ? 'Analysing…' : 'Before / after rhythm'}
        </button>
      </div>
      <p className="train-hint">
        Export: a folder (config.json, model.safetensors, the tokenizer's files) zipped; the model picker and the CLI
        load it.
      </p>
    </div>
  );
}

function pairSeries(r: BeforeAfterResult, key: 'waad' | 'fai'): Series[] {
  const color = key === 'waad' ? HEAD_CLASS_COLORS.local : HEAD_CLASS_COLORS.global;
  const pts = (xs: number[]) => xs.map((v, i) => [i, v] as [number, number]);
  return [
    { key: 'before', label: 'starting model', color: '#8a93a3', dash: '6 3', points: pts(r.before[key]) },
    { key: 'after', label: `fine-tuned (${r.run.key}, step ${r.step})`, color, dash: '', points: pts(r.after[key]) },
  ];
}

function BeforeAfter() {
  const result = useTrainStore((s) => s.beforeAfter);
  if (!result) return null;
  return (
    <div className="card train-before-after" data-testid="train-before-after">
      <h3 className="card-title">Before / after: the same prompt and response, both models</h3>
      <p className="train-ba-text">
        <span className="train-mono">{result.prompt}</span>
        <span className="train-mono train-ba-response">{result.response}</span>
        <span className="train-hint"> (response of the fine-tuned model, greedy; {result.tokens.length} tokens)</span>
      </p>
      {maxAbsChange(result.before, result.after) < 1e-6 && (
        <p className="train-hint" data-testid="train-before-after-same">
          The two curves coincide: no step of this run changed the weights (every group had equal rewards, so GRPO had
          no signal).
        </p>
      )}
      <div className="train-charts train-charts-2">
        <LineChart
          testId="train-before-after-waad"
          title="WAAD (local heads)"
          xLabel="response token"
          yLabel="WAAD"
          series={pairSeries(result, 'waad')}
        />
        <LineChart
          testId="train-before-after-fai"
          title="FAI (global heads)"
          xLabel="response token"
          yLabel="FAI"
          series={pairSeries(result, 'fai')}
        />
      </div>
    </div>
  );
}

function Checkpoints() {
  const checkpoints = useTrainStore((s) => s.checkpoints);
  const going = useTrainStore((s) => s.status === 'starting' || s.status === 'running' || s.status === 'paused');
  return (
    <div className="card train-checkpoints" data-testid="train-checkpoints">
      <h3 className="card-title">
        Saved checkpoints <span className="train-sub">in this browser (IndexedDB)</span>
      </h3>
      {checkpoints.length === 0 ? (
        <p className="train-hint">None yet: each run is saved every few steps (Checkpoint every) and when it ends.</p>
      ) : (
        <ul className="train-checkpoint-list">
          {checkpoints.map((c) => (
            <li key={c.id} data-testid="train-checkpoint" data-name={c.name}>
              <span className="train-mono">{c.name}</span>
              <span className="train-hint">
                {new Date(c.created).toLocaleString()} · step {c.step}/{c.options.steps}
                {c.final && c.step >= c.options.steps ? '' : ' · unfinished'}
              </span>
              {isResumable(c) && (
                <button
                  type="button"
                  className="btn btn-small"
                  data-testid="train-checkpoint-resume"
                  disabled={going}
                  title={`continue training from step ${c.step} to ${c.options.steps} (weights + optimizer state)`}
                  onClick={() => void resumeCheckpoint(c.id)}
                >
                  Resume
                </button>
              )}
              <button
                type="button"
                className="btn btn-small"
                data-testid="train-checkpoint-open"
                onClick={() => void openCheckpoint(c.id)}
              >
                Open
              </button>
              <button
                type="button"
                className="btn btn-small"
                data-testid="train-checkpoint-delete"
                onClick={() => void removeCheckpoint(c.id)}
              >
                Delete
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
