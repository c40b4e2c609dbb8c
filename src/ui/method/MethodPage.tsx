/**
 * The method page: what each metric and strategy is, with its formula, in a dialog over the workbench. Opened
 * from every view's caption ("how?") and from the story card; Esc or Close returns to the view.
 */
import { useEffect, useRef, type ReactNode } from 'react';
import { GLOSSARY } from '../glossary/glossary';
import { PAPER } from './definitions';
import { closeMethod, useMethodStore, type MethodSection } from './methodStore';
import './method.css';

const SECTIONS: { id: MethodSection; title: string; body: ReactNode }[] = [
  {
    id: 'heads',
    title: 'Local and global heads',
    body: (
      <>
        <p>Only heads of the middle third of the layers take part. For each, its span over the response R is</p>
        <pre className="formula">d(l,h) = 1/|R| · Σ_t∈R Σ_s≤t A[t][s] · (t − s)</pre>
        <p>
          Sorted by d, the shortest 30 % are the <b>local heads</b> (they read the last few tokens: the rhythm of a
          step), the longest 30 % the <b>global heads</b> (they reach far back: what the answer builds on). Their
          attention maps are averaged into Ā_loc and Ā_glob. The head gallery shows every head with its d and class.
        </p>
      </>
    ),
  },
  {
    id: 'waad',
    title: 'WAAD — windowed average attention distance',
    body: (
      <>
        <pre className="formula">WAAD_t = Σ_s≤t Ā_loc[t][s] · min(t − s, W) W = 10</pre>
        <p>
          {GLOSSARY.waad} Inside a step it saw-tooths: low while copying nearby tokens, a jump where the step turns.
        </p>
      </>
    ),
  },
  {
    id: 'fai',
    title: 'FAI — future attention influence',
    body: (
      <>
        <pre className="formula">
          FAI_s = mean over t ∈ R, s + H_lo ≤ t ≤ s + H_hi of Ā_glob[t][s] H_lo = 10, H_hi = 100
        </pre>
        <p>{GLOSSARY.fai} A token with no later tokens in that window has FAI 0 (the end of a short answer).</p>
      </>
    ),
  },
  {
    id: 'roles',
    title: 'Preplan, anchor and their coupling',
    body: (
      <>
        <pre className="formula">Δ_t = |WAAD_t − WAAD_t+1| preplan = top 40 % of Δ anchor = top 40 % of FAI</pre>
        <p>
          <b>▲ Preplan</b> tokens are where the local rhythm breaks: the model sets up its next step. <b>◆ Anchors</b>{' '}
          are the tokens later reasoning keeps attending to. They come in pairs: an anchor right after a preplan jump
          (within k = 3 tokens) and with low WAAD is <b>dominated</b> (✕) — it follows from that preplan token, its{' '}
          <b>introductory</b> token (●). This preplan-then-anchor pattern is the rhythm.
        </p>
      </>
    ),
  },
  {
    id: 'credit',
    title: 'Credit strategies for RL',
    body: (
      <>
        <p>
          GRPO gives every token of response i the same advantage Â_i. These strategies scale it per token, Ã_t = γ_t ·
          Â_i (γ_amp = 1.5):
        </p>
        <table className="method-table">
          <tbody>
            <tr>
              <td>uniform (GRPO)</td>
              <td>γ = 1</td>
            </tr>
            <tr>
              <td>local-chunk</td>
              <td>γ_amp on preplan tokens</td>
            </tr>
            <tr>
              <td>global-anchor</td>
              <td>γ_amp on anchors</td>
            </tr>
            <tr>
              <td>coupled</td>
              <td>
                γ_amp on anchors that are not dominated; a dominated anchor keeps a share 1 − α of its boost and its
                introductory token gets α (α = 0.5)
              </td>
            </tr>
            <tr>
              <td>random, high-entropy</td>
              <td>controls: the boost on a random 40 %, or on the 40 % most uncertain tokens</td>
            </tr>
            <tr>
              <td>HICRA-style</td>
              <td>Â + 0.2·|Â| on anchors</td>
            </tr>
          </tbody>
        </table>
      </>
    ),
  },
];

export function MethodPage() {
  const open = useMethodStore((s) => s.open);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    ref.current?.querySelector(`#method-${open}`)?.scrollIntoView({ block: 'start' });
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && closeMethod();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [open]);
  if (!open) return null;
  return (
    <div className="method-backdrop" onClick={closeMethod}>
      <div
        className="method-page card"
        role="dialog"
        aria-modal="true"
        aria-label="The method"
        data-testid="method-page"
        ref={ref}
        onClick={(e) => e.stopPropagation()}
      >
        <header className="method-head">
          <h2>How the rhythm is computed</h2>
          <button type="button" className="btn" onClick={closeMethod} data-testid="method-close">
            Close
          </button>
        </header>
        <p className="method-intro">
          Every token of the response gets two numbers from the model’s own attention, computed in one forward pass: how
          far back it looks (WAAD) and how much later tokens look back at it (FAI). From{' '}
          <a href={PAPER.url} target="_blank" rel="noreferrer">
            {PAPER.cite}
          </a>
          .
        </p>
        {SECTIONS.map((s) => (
          <section key={s.id} id={`method-${s.id}`} className={`method-section${s.id === open ? ' current' : ''}`}>
            <h3>{s.title}</h3>
            {s.body}
          </section>
        ))}
      </div>
    </div>
  );
}
