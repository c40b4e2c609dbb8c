import { useEffect } from 'react';
import { Settings, Workbench } from '../analysis/Workbench';
import { BackendFallbackNote } from '../model/BackendBadge';
import { ModelPanel } from '../model/ModelPanel';
import { PromptPanel } from '../prompt/PromptPanel';
import { bootApp } from './boot';
import { Header } from './Header';
import { NoticeBanner } from './NoticeBanner';
import './app.css';

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
          <ModelPanel />
          <PromptPanel />
          <Settings />
        </aside>
        <div className="layout-main">
          <Workbench />
        </div>
      </main>
    </div>
  );
}
