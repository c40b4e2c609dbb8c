/**
 * The perturbation test over the corpus: settings (the CLI's --k, --m, --min-tail, --seed), progress with Cancel
 * (the responses finished are kept), and the totals of `rhythmscope study perturb` — mean Jaccard of the top,
 * bottom and random FAI sets and Pr(J_top < J_bottom) with its 95% Wilson interval — exported as JSON or CSV.
 */
import { useModelStore } from '../model/modelStore';
import { cancelPerturbStudy, exportCorpus, runPerturbStudy } from './actions';
import { RunProgress } from './RunProgress';
import { useCorpusStore, type PerturbStudyForm } from './corpusStore';

const num = (x: number | null | undefined, digits = 3) => (x === null || x === undefined ? '—' : x.toFixed(digits));

const FIELDS: { key: keyof PerturbStudyForm; label: string; min: number; title: string }[] = [
  { key: 'k', label: 'k', min: 1, title: 'forced alternatives per position (the original token excluded)' },
  { key: 'm', label: 'm', min: 1, title: 'positions per set (top, bottom, random by FAI)' },
  { key: 'minTail', label: 'min tail', min: 0, title: 'tokens that must follow a perturbed position' },
  { key: 'seed', label: 'seed', min: 0, title: 'seed of the random positions' },
];

export function PerturbStudyPanel() {
  const form = useCorpusStore((s) => s.perturbForm);
  const setForm = useCorpusStore((s) => s.setPerturbForm);
  const state = useCorpusStore((s) => s.perturbStudy);
  const corpusRunning = useCorpusStore((s) => !!s.running);
  const responses = useCorpusStore((s) => s.list.filter((x) => x.responseIds.length > 0).length);
  const ready = useModelStore((s) => !!s.info);
  const running = state?.running;
  const t = state?.totals;
  return (
    <div className="card" data-testid="perturb-study">
      <h3 className="card-title">
        Perturbation test over the corpus{' '}
        <span className="muted">tokens forced at top / bottom / random FAI positions; lower J = more changed</span>
      </h3>
      <div className="corpus-form-row">
        {FIELDS.map((f) => (
          <label key={f.key} title={f.title}>
            {f.label}{' '}
            <input
              data-testid={`perturb-study-${f.key}`}
              type="number"
              min={f.min}
              value={form[f.key]}
              onChange={(e) => setForm({ [f.key]: Math.max(f.min, Math.round(Number(e.target.value) || f.min)) })}
            />
          </label>
        ))}
        <button
          type="button"
          className="primary"
          data-testid="perturb-study-run"
          disabled={!ready || corpusRunning || !!running || responses === 0}
          onClick={() => void runPerturbStudy()}
        >
          Perturb {responses} response{responses === 1 ? '' : 's'}
        </button>
        {running && (
          <RunProgress
            inline
            fraction={running.fraction}
            message={running.message}
            onCancel={cancelPerturbStudy}
            testId="perturb-study-progress"
            cancelTestId="perturb-study-cancel"
          />
        )}
      </div>
      {t && (
        <>
          <div className="corpus-status" data-testid="perturb-study-status">
            {t.sequences} responses
            {state.ms !== null && ` · ${(state.ms / 1000).toFixed(1)} s`}
            {state.cancelled && (
              <strong data-testid="perturb-study-cancelled"> · cancelled (the responses finished are kept)</strong>
            )}
            <span className="chart-spacer" />
            <button
              type="button"
              className="chart-button"
              data-testid="perturb-study-export-json"
              disabled={!state.study}
              onClick={() => exportCorpus('perturb-study-json')}
            >
              Perturbation .json
            </button>
            <button
              type="button"
              className="chart-button"
              data-testid="perturb-study-export-csv"
              disabled={!state.study}
              onClick={() => exportCorpus('perturb-study-csv')}
            >
              Perturbation .csv
            </button>
          </div>
          <table className="corpus-linkage" data-testid="perturb-totals">
            <thead>
              <tr>
                <th scope="col">total</th>
                <th scope="col">value</th>
                <th scope="col">95% interval</th>
              </tr>
            </thead>
            <tbody>
              <tr data-row="p_top_lower">
                <th scope="row" title={`over the ${t.compared} responses with both sets; a tie is not lower`}>
                  Pr(J_top &lt; J_bottom)
                </th>
                <td data-cell="value">{num(t.p_top_lower)}</td>
                <td data-cell="ci">
                  {t.p_top_lower_ci ? `${num(t.p_top_lower_ci[0])} – ${num(t.p_top_lower_ci[1])} (Wilson)` : '—'}
                </td>
              </tr>
              <tr data-row="mean_jaccard_top">
                <th scope="row">mean J_top</th>
                <td data-cell="value">{num(t.mean_jaccard_top)}</td>
                <td />
              </tr>
              <tr data-row="mean_jaccard_bottom">
                <th scope="row">mean J_bottom</th>
                <td data-cell="value">{num(t.mean_jaccard_bottom)}</td>
                <td />
              </tr>
              <tr data-row="mean_jaccard_random">
                <th scope="row">mean J_random</th>
                <td data-cell="value">{num(t.mean_jaccard_random)}</td>
                <td />
              </tr>
              <tr data-row="compared">
                <th scope="row">responses compared (both sets)</th>
                <td data-cell="value">{t.compared}</td>
                <td />
              </tr>
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}
