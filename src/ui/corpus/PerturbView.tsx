/**
 * The perturbation test of one sequence: per chosen position (top / bottom / random by FAI), the original
 * continuation and each counterfactual one side by side, tokens after the first divergence highlighted.
 * Token texts are rendered as text (React escapes them), never as HTML.
 */
import type { PerturbPosition } from '../../core/studies/perturb-run';
import { exportCorpus } from './actions';
import { useCorpusStore } from './corpusStore';

const SETS = [
  { key: 'top', title: 'Top FAI positions', j: 'j_top' },
  { key: 'bottom', title: 'Bottom FAI positions', j: 'j_bottom' },
  { key: 'random', title: 'Random positions', j: 'j_random' },
] as const;

/** Tokens of `ids` with the ones from the first difference against `reference` marked. */
function Tokens({ ids, reference, text }: { ids: number[]; reference: number[]; text: (id: number) => string }) {
  let diverged = false;
  return (
    <span className="perturb-tokens">
      {ids.map((id, i) => {
        diverged ||= reference[i] !== id;
        return (
          <span key={i} className={diverged ? 'perturb-tok diverged' : 'perturb-tok'}>
            {text(id)}
          </span>
        );
      })}
    </span>
  );
}

function Position({
  pos,
  text,
  originalIds,
}: {
  pos: PerturbPosition;
  text: (id: number) => string;
  originalIds: number[];
}) {
  return (
    <div className="perturb-position" data-position={pos.position}>
      <div className="perturb-position-head">
        position {pos.position} <span className="perturb-tok original">{pos.token}</span> · FAI {pos.fai.toFixed(4)} ·
        score (mean Jaccard) {pos.score.toFixed(3)}
      </div>
      <div className="perturb-rows">
        <div className="perturb-row">
          <span className="perturb-row-label">original</span>
          <span className="perturb-tok original">{pos.token}</span>
          <Tokens ids={originalIds} reference={originalIds} text={text} />
        </div>
        {pos.candidates.map((c) => (
          <div className="perturb-row" key={c.token_id}>
            <span className="perturb-row-label" title="Jaccard of content-token sets">
              J {c.jaccard.toFixed(2)}
            </span>
            <span className="perturb-tok forced">{c.token}</span>
            <Tokens ids={c.continuation_ids} reference={originalIds} text={text} />
          </div>
        ))}
      </div>
    </div>
  );
}

export function PerturbView() {
  const perturb = useCorpusStore((s) => s.perturb);
  const seq = useCorpusStore((s) => (s.perturb ? s.list[s.perturb.index] : undefined));
  if (!perturb || !seq) return null;
  const r = perturb.result;
  const tokenText = new Map<number, string>(r?.token_texts ?? []);
  const text = (id: number) => tokenText.get(id) ?? `#${id}`;
  const ids = [...seq.promptIds, ...seq.responseIds];
  const p = seq.promptIds.length;
  return (
    <div className="card perturb-view" data-testid="perturb-view">
      <div className="corpus-chart-head">
        <h3 className="card-title">Perturbation of sequence {perturb.index}</h3>
        <span className="chart-spacer" />
        <button
          type="button"
          className="chart-button"
          data-testid="perturb-export"
          disabled={!r}
          onClick={() => exportCorpus('perturb-json')}
        >
          Perturbation .json
        </button>
      </div>
      {!r && (
        <p className="muted" data-testid="perturb-running">
          Continuing greedily from the forced tokens…
        </p>
      )}
      {r && (
        <>
          <p className="muted">
            {r.eligible} eligible positions. J_top {r.j_top?.toFixed(3) ?? '—'} · J_bottom{' '}
            {r.j_bottom?.toFixed(3) ?? '—'} · J_random {r.j_random?.toFixed(3) ?? '—'}
            {r.j_top !== null &&
              r.j_bottom !== null &&
              (r.j_top < r.j_bottom
                ? ' — forcing at high-FAI positions changed more'
                : ' — not lower at high-FAI positions here')}
          </p>
          {SETS.map((set) => (
            <div key={set.key} className="perturb-set" data-set={set.key}>
              <h4>
                {set.title} <span className="muted">mean {r[set.j]?.toFixed(3) ?? '—'}</span>
              </h4>
              {r[set.key].map((pos) => (
                <Position key={pos.position} pos={pos} text={text} originalIds={ids.slice(p + pos.position + 1)} />
              ))}
            </div>
          ))}
        </>
      )}
    </div>
  );
}
