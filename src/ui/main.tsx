import { startTransition, StrictMode } from 'react';
// Base styles first, so feature stylesheets (imported by the components) can refine them.
import './styles/base.css';

/**
 * The page's code is evaluated in two tasks, not one: React DOM first, then the app (d3, stores, views). As one
 * bundle its evaluation was the heaviest main-thread task of the start-up (80–120 ms of CPU).
 * The first render is a transition: React time-slices it (as a default-priority render it was one 90–150 ms task).
 */
async function start(root: HTMLElement): Promise<void> {
  const { createRoot } = await import('react-dom/client');
  const { App } = await import('./app/App');
  const reactRoot = createRoot(root);
  startTransition(() => {
    reactRoot.render(
      <StrictMode>
        <App />
      </StrictMode>,
    );
  });
}

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
void start(root);
