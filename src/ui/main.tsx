import { startTransition, StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
// Base styles first, so feature stylesheets (imported by the components) can refine them.
import './styles/base.css';
import { App } from './app/App';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
// A transition render is time-sliced (React yields every few ms): the first render of the whole app took one
// 90–150 ms main-thread task as a default-priority render.
startTransition(() => {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
});
