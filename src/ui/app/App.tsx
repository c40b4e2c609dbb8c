import { useEffect } from 'react';
import { BackendFallbackNote } from '../model/BackendBadge';
import { ModelPanel } from '../model/ModelPanel';
import { PromptPanel } from '../prompt/PromptPanel';
import { bootApp } from './boot';
import { Header } from './Header';
import { NoticeBanner } from './NoticeBanner';
import './app.css';

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
        </aside>
        <div className="layout-main">
          <PromptPanel />
        </div>
      </main>
    </div>
  );
}
