/**
 * Dev-only page (/tools/harness/?view=NAME): renders one view with fixture data, for screenshots and for
 * working on a view without the model or worker. Without ?view it lists every registered view.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '../../src/ui/styles/base.css';
import '../../src/ui/theme/theme.css';
import fixtureJson from './fixture.json';
import { parseFixture, type FixtureJson } from './fixture';
import type { ViewRegistry } from './registry';
import { viewsA } from './views-a';
import { viewsB } from './views-b';

const registry: ViewRegistry = { ...viewsA, ...viewsB };
const fixture = parseFixture(fixtureJson as unknown as FixtureJson);

function Harness() {
  const name = new URLSearchParams(location.search).get('view');
  const view = name ? registry[name] : undefined;
  if (!view) {
    return (
      <main style={{ padding: 24 }}>
        <h1 style={{ fontSize: 18 }}>Rhythmscope view harness</h1>
        {name && <p role="alert">No view named “{name}”.</p>}
        <p>
          Fixture: {fixture.source} — N = {fixture.seqLen}, prompt {fixture.promptLength}, {fixture.numLayers}×
          {fixture.numHeads} heads.
        </p>
        <ul>
          {Object.entries(registry).map(([k, v]) => (
            <li key={k}>
              <a href={`?view=${encodeURIComponent(k)}`}>{k}</a> — {v.title}
            </li>
          ))}
        </ul>
      </main>
    );
  }
  return (
    <main style={{ padding: 16 }} data-harness-view={name}>
      <p style={{ margin: '0 0 8px', fontSize: 12, color: 'var(--faint)' }}>{view.title}</p>
      {view.render(fixture)}
    </main>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Harness />
  </StrictMode>,
);
