import { lazy, Suspense, useEffect, useState } from 'react';
import { BackendFallbackNote } from '../model/BackendBadge';
import { LoadProgress, ModelPanel } from '../model/ModelPanel';
import { PromptPanel } from '../prompt/PromptPanel';
import { MethodPage } from '../method/MethodPage';
import { StoryCard } from '../story/StoryCard';
import { useTrainStore, setView } from '../train/trainStore';
import { AdvancedDrawer } from './AdvancedDrawer';
import { bootApp } from './boot';
import { Header } from './Header';
import { NoticeBanner } from './NoticeBanner';
import './app.css';

// The analysis views (d3, canvas) load as their own chunk: the first paint stays light.
const Workbench = lazy(() => import('../analysis/Workbench').then((m) => ({ default: m.Workbench })));
const Settings = lazy(() => import('../analysis/Workbench').then((m) => ({ default: m.Settings })));
// Training (its own worker, charts) loads only when the Train tab is first opened.
const CorpusView = lazy(() => import('../corpus/CorpusView').then((m) => ({ default: m.CorpusView })));
const TrainPanel = lazy(() => import('../train/TrainPanel').then((m) => ({ default: m.TrainPanel })));

/** Header; left column: prompt/response, settings (folded in the Advanced drawer), model; main area: the linked analysis views. */
export function App() {
  useEffect(() => {
    void bootApp();
  }, []);
  const view = useTrainStore((s) => s.view);
  const [trainOpened, setTrainOpened] = useState(false);
  useEffect(() => {
    if (view === 'train') setTrainOpened(true);
  }, [view]);
  return (
    <div className="app">
      <Header />
      <BackendFallbackNote />
      <NoticeBanner />
      <main className="layout">
        <aside className="layout-side">
          <LoadProgress />
          {/* The story sits above the prompt: it explains the example shown, "try your own" leads into the prompt. */}
          <StoryCard />
          <PromptPanel />
          <AdvancedDrawer>
            <Suspense fallback={null}>
              <Settings />
            </Suspense>
          </AdvancedDrawer>
          <ModelPanel />
        </aside>
        <div className="layout-main">
          <MainTabs />
          <div hidden={view !== 'workbench'}>
            <Suspense fallback={null}>
              <Workbench />
            </Suspense>
          </div>
          {view === 'corpus' && (
            <Suspense fallback={null}>
              <CorpusView />
            </Suspense>
          )}
          {/* Kept mounted once opened: training goes on while the workbench is shown. */}
          {trainOpened && (
            <div hidden={view !== 'train'}>
              <Suspense fallback={null}>
                <TrainPanel />
              </Suspense>
            </div>
          )}
        </div>
      </main>
      <MethodPage />
    </div>
  );
}

/** Workbench | Train: the analysis views (default) or the fine-tuning panel. */
function MainTabs() {
  const view = useTrainStore((s) => s.view);
  const status = useTrainStore((s) => s.status);
  const training = status === 'running' || status === 'starting' || status === 'paused';
  return (
    <div className="main-tabs" role="tablist" aria-label="Main view">
      <button
        type="button"
        role="tab"
        className="main-tab"
        aria-selected={view === 'workbench'}
        data-testid="tab-workbench"
        onClick={() => setView('workbench')}
      >
        Workbench
      </button>
      <button
        type="button"
        role="tab"
        className="main-tab"
        aria-selected={view === 'corpus'}
        data-testid="tab-corpus"
        onClick={() => setView('corpus')}
      >
        Corpus
      </button>
      <button
        type="button"
        role="tab"
        className="main-tab"
        aria-selected={view === 'train'}
        data-testid="tab-train"
        onClick={() => setView('train')}
      >
        Train
        {training && <span className="main-tab-dot" title={`training ${status}`} aria-label="training in progress" />}
      </button>
    </div>
  );
}
