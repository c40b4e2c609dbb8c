import { useId } from 'react';
import { analyzePasted, cancelAnalysis, persistDocument } from '../analysis/actions';
import { useAnalysisStore } from '../analysis/stores';
import { useModelStore } from '../model/modelStore';
import { useDocumentStore } from './documentStore';
import { ProgressBar } from '../app/ProgressBar';

/** A response to analyse teacher-forced (pasted, or the last generation), the Analyze button and its progress. */
export function ResponseBox() {
  const id = useId();
  const response = useAnalysisStore((s) => s.response);
  const running = useAnalysisStore((s) => s.running);
  const generating = useDocumentStore((s) => s.generating);
  const canRun = useModelStore((s) => s.info !== null && s.loading === null);
  return (
    <div className="response-box">
      <label className="field-label" htmlFor={id}>
        Response (teacher-forced analysis)
      </label>
      <textarea
        id={id}
        className="textarea response-input"
        data-testid="response-input"
        rows={3}
        spellCheck={false}
        placeholder="Paste a response, or Generate one…"
        value={response}
        onChange={(e) => useAnalysisStore.getState().setResponse(e.target.value)}
        onBlur={persistDocument}
      />
      <div className="prompt-actions">
        <button
          type="button"
          className="btn"
          data-testid="analyze-button"
          disabled={!canRun || generating || running !== null || !response}
          onClick={() => void analyzePasted()}
        >
          Analyze
        </button>
      </div>
      {running && (
        <div className="load-progress" data-testid="analysis-progress">
          <div className="load-progress-head">
            <span className="load-progress-message">
              {running.label}: {running.message}
            </span>
            <button type="button" className="btn btn-small" data-testid="analysis-cancel" onClick={cancelAnalysis}>
              Cancel
            </button>
          </div>
          <ProgressBar label="Analysis progress" fraction={running.fraction} />
        </div>
      )}
    </div>
  );
}
