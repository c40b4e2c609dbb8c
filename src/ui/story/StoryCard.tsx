/**
 * The story card above the views while the shipped example is shown: one sentence on the anchors, one on the
 * preplan tokens, each naming the strongest ones (click one to select it in every view), then "try your own".
 */
import { useMemo } from 'react';
import { useAnalysisStore, useUiStore } from '../analysis/stores';
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
            title={`select position ${t.position} in every view`}
          >
            {mark} {showToken(t.token)}
          </button>{' '}
          <span className="story-line">in “{t.lineText}”</span>
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
  return (
    <section className="card story" data-testid="story-card" aria-label="What this example shows">
      <p className="story-lead">
        The built-in model solved <strong>{problem}</strong> column by column (answer {example.answer}). The colours and
        marks below show its attention <em>rhythm</em>:
      </p>
      <p>
        <span className="story-mark anchor">◆ Anchors</span> are tokens that the rest of the answer keeps looking back
        at (high{' '}
        <abbr title="Future Attention Influence: the average attention a token receives from tokens 10–100 positions later, in the long-range (global) heads">
          FAI
        </abbr>
        ). The strongest here: <TokenList items={story.anchors} mark="◆" /> — results the later columns reuse.
      </p>
      <p>
        <span className="story-mark preplan">▲ Preplan</span> tokens are where the short-range attention pattern changes
        sharply (a big jump in{' '}
        <abbr title="Windowed Average Attention Distance: how far back, within a window of 10 tokens, the local heads look">
          WAAD
        </abbr>
        ) — the model starting a new step: <TokenList items={story.preplan} mark="▲" />.
      </p>
      <p className="story-actions">
        <button type="button" className="btn btn-primary" data-testid="story-try" onClick={tryYourOwn}>
          Try your own problem
        </button>
        <button type="button" className="btn" data-testid="story-method" onClick={() => openMethod('roles')}>
          How is this computed?
        </button>
        <span className="story-note">
          {story.anchorCount} anchors and {story.preplanCount} preplan tokens among {story.responseLength} response
          tokens (top 40 % each).
        </span>
      </p>
    </section>
  );
}
