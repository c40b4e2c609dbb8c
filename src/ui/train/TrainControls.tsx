/** The Train panel's Start / Pause / Resume / Cancel buttons and its status line with the progress bar. */
import { useModelStore } from '../model/modelStore';
import { cancelTraining, pauseTraining, resumeTraining, startTraining } from './actions';
import { progressFraction, progressLabel } from './eta';
import { useTrainStore } from './trainStore';
import { ProgressBar } from '../app/ProgressBar';

export function Controls() {
  const status = useTrainStore((s) => s.status);
  const pausing = useTrainStore((s) => s.pausing);
  const ready = useModelStore((s) => s.engineStatus === 'ready' && s.info !== null && s.loading === null);
  const going = status === 'starting' || status === 'running' || status === 'paused';
  return (
    <div className="train-controls">
      <button
        type="button"
        className="btn btn-primary"
        data-testid="train-start"
        disabled={going || !ready}
        onClick={() => void startTraining()}
      >
        Start
      </button>
      <button
        type="button"
        className="btn"
        data-testid="train-pause"
        disabled={status !== 'running' || pausing}
        onClick={() => void pauseTraining()}
      >
        Pause
      </button>
      <button
        type="button"
        className="btn"
        data-testid="train-resume"
        disabled={status !== 'paused'}
        onClick={() => void resumeTraining()}
      >
        Resume
      </button>
      <button type="button" className="btn" data-testid="train-cancel" disabled={!going} onClick={cancelTraining}>
        Cancel
      </button>
    </div>
  );
}

export function Progress() {
  const status = useTrainStore((s) => s.status);
  const text = useTrainStore((s) => s.statusText);
  const progress = useTrainStore((s) => s.progress);
  const backend = useTrainStore((s) => s.backend);
  const workers = useTrainStore((s) => s.workers);
  const fraction = progress ? progressFraction(progress) : 0;
  return (
    <div className="train-progress-box">
      <p className="train-status" data-testid="train-status" data-status={status} data-workers={workers}>
        {text}
        {backend && <span className="train-backend"> · training on {backend}</span>}
        {workers > 1 && <span className="train-backend"> · {workers} workers side by side</span>}
      </p>
      {progress && (
        <div className="train-progress" data-testid="train-progress">
          <ProgressBar label="Training progress" fraction={fraction} />
          <span className="train-progress-label">{progressLabel(progress)}</span>
        </div>
      )}
    </div>
  );
}
