import { lazy, Suspense, useEffect } from 'react';
import { BackendFallbackNote } from '../model/BackendBadge';
import { LoadProgress, ModelPanel } from '../model/ModelPanel';
import { PromptPanel } from '../prompt/PromptPanel';
import { bootApp } from './boot';
import { Header } from './Header';
import { NoticeBanner } from './NoticeBanner';
import './app.css';

// The analysis views (d3, canvas) load as their own chunk: the first paint stays light.
const Workbench = lazy(() => import('../analysis/Workbench').then((m) => ({ default: m.Workbench })));
const Settings = lazy(() => import('../analysis/Workbench').then((m) => ({ default: m.Settings })));

/** Header; left column: model, prompt/response, settings; main area: the linked analysis views. */
export function App() {
  useEffect(() => {
    void bootApp();
  }, []);
  return (
    <div className="app">
      <Header />
      <BackendFallbackNote />
      <NoticeBanner />
      <main className="layout">
        <aside className="layout-side">
          <LoadProgress />
          <PromptPanel />
          <Suspense fallback={null}><Settings /></Suspense>
          <ModelPanel />
        </aside>
        <div className="layout-main">
          <Suspense fallback={null}><Workbench /></Suspense>
        </div>
      </main>
    </div>
  );
}
