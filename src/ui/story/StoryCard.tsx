/**
 * The story card above the views while the shipped example is shown: one sentence on the anchors, one on the
 * preplan tokens, each naming the strongest ones (click one to select it in every view), then "try your own".
 */
import { useMemo } from 'react';
import { useAnalysisStore, useUiStore } from '../analysis/stores';
import { Term } from '../glossary/Term';
import { openMethod } from '../method/methodStore';
import { sampleProblem } from '../prompt/actions';
import { useDocumentStore } from '../prompt/documentStore';
import { showToken, storyOf, type NamedToken } from './storyText';
import { useStoryStore } from './storyStore';
import './story.css';

function TokenList({ items, mark }: { items: NamedToken[]; mark: string }) {
  return (
    <>
      {items.map((t, i) => (
        <span key={t.position}>
          {i > 0 && (i === items.length - 1 ? ' and ' : ', ')}
          <button
            type="button"
            className="story-token"
            onClick={() => useUiStore.setState({ selected: t.position })}
            title={`“${showToken(t.token)}” in line ${t.line} (“${t.lineText}”): click to select it in every view`}
          >
            {mark} {showToken(t.token)}
          </button>
          <span className="story-line"> line {t.line}</span>
        </span>
      ))}
    </>
  );
}

function tryYourOwn() {
  const { task, level } = useDocumentStore.getState();
  sampleProblem(task, level);
  useStoryStore.setState({ sequence: null });
  document.querySelector<HTMLTextAreaElement>('[data-testid="prompt-input"]')?.focus();
}

export function StoryCard() {
  const example = useStoryStore((s) => s.example);
  const storySequence = useStoryStore((s) => s.sequence);
  const sequence = useAnalysisStore((s) => s.sequence);
  const record = useAnalysisStore((s) => s.record);
  const story = useMemo(() => (record ? storyOf(record) : null), [record]);
  if (!example || !story || storySequence !== sequence) return null;
  const problem = example.prompt.trim().replace(/=\?$/, '');
  const firstLine = record!.tokens.slice(record!.prompt_length).join('').split('\n')[0].trim();
  const column = /=(\d) c(\d)$/.exec(firstLine);
  return (
    <section className="card story" data-testid="story-card" aria-label="What this example shows">
      <p className="story-lead">
        The built-in model solved <strong>{problem}</strong> (answer {example.answer}) one column per line
        {column && (
          <>
            {' '}
            (“{firstLine}”: digit {column[1]}, carry {column[2]})
          </>
        )}
        . Its attention has a <em>rhythm</em>:
      </p>
      <p>
        <span className="story-mark anchor">◆ Anchors</span>: tokens the rest of the answer keeps looking back at (high{' '}
        <Term id="fai">FAI</Term>, the bright tokens in the strip), like <TokenList items={story.anchors} mark="◆" />:
        results later lines reuse.
      </p>
      <p>
        <span className="story-mark preplan">▲ Preplan</span> tokens: where the short-range attention jumps (a big
        change in <Term id="waad">WAAD</Term>
        ), the model starting a step: <TokenList items={story.preplan} mark="▲" />.
      </p>
      <p className="story-actions">
        <button type="button" className="btn btn-primary" data-testid="story-try" onClick={tryYourOwn}>
          Try your own problem
        </button>
        <button type="button" className="btn" data-testid="story-method" onClick={() => openMethod('roles')}>
          How?
        </button>
      </p>
      <p className="story-note">
        {story.anchorCount} anchors, {story.preplanCount} preplan among {story.responseLength} response tokens (top 40 %
        each) — see them marked in the views.
      </p>
    </section>
  );
}
