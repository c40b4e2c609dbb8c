import { startTransition, StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
// Base styles first, so feature stylesheets (imported by the components) can refine them.
import './styles/base.css';
import { App } from './app/App';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
// The bundle's evaluation (React, d3) is the heaviest start-up task (80–110 ms of CPU): the root and its event
// listeners start in a task of their own. A transition render is time-sliced (React yields every few ms): the
// first render of the whole app took one 90–150 ms main-thread task as a default-priority render.
setTimeout(() => {
  const reactRoot = createRoot(root);
  startTransition(() => {
    reactRoot.render(
      <StrictMode>
        <App />
      </StrictMode>,
    );
  });
}, 0);
