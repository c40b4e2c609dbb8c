import { useId, useState, type KeyboardEvent } from 'react';
import { useModelStore } from '../model/modelStore';
import { generateFromPrompt, stopGeneration } from './actions';
import { ChatToggles } from './ChatToggles';
import { useDocumentStore, type GenerationSettings } from './documentStore';
import { ResponseBox } from './ResponseBox';
import { TaskPicker, Verdict } from './TaskPicker';
import { TokenStream } from './TokenStream';
import './prompt.css';

/** Prompt, generation settings, Generate/Stop, and the streamed output. */
export function PromptPanel() {
  const promptId = useId();
  const prompt = useDocumentStore((s) => s.prompt);
  const setPrompt = useDocumentStore((s) => s.setPrompt);
  const generating = useDocumentStore((s) => s.generating);
  const autoAnalyze = useDocumentStore((s) => s.autoAnalyze);
  const canGenerate = useModelStore((s) => s.info !== null && s.engineStatus === 'ready' && s.loading === null);

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      if (canGenerate && !generating) void generateFromPrompt();
    } else if (e.key === 'Escape' && generating) {
      e.preventDefault();
      stopGeneration();
    }
  };

  return (
    <section className="card prompt-panel" aria-labelledby="prompt-panel-title">
      <div className="card-title-row">
        <h2 className="card-title" id="prompt-panel-title">
          Prompt
        </h2>
        <TaskPicker />
      </div>
      <label className="visually-hidden" htmlFor={promptId}>
        Prompt text
      </label>
      <textarea
        id={promptId}
        className="textarea prompt-input"
        data-testid="prompt-input"
        rows={3}
        value={prompt}
        spellCheck={false}
        placeholder="Type a prompt…"
        onChange={(e) => setPrompt(e.target.value)}
        onKeyDown={onKeyDown}
      />
      <div className="prompt-controls">
        <SettingsInputs />
        <ChatToggles />
        <div className="prompt-actions">
          <button
            type="button"
            className="btn btn-primary"
            data-testid="generate-button"
            disabled={!canGenerate || generating}
            onClick={() => void generateFromPrompt()}
          >
            {generating ? 'Generating…' : 'Generate'}
          </button>
          <button
            type="button"
            className="btn"
            data-testid="stop-button"
            disabled={!generating}
            onClick={stopGeneration}
          >
            Stop
          </button>
          <label className="auto-analyze" title="Compute the attention rhythm of the response when generation ends">
            <input
              type="checkbox"
              data-testid="auto-analyze"
              checked={autoAnalyze}
              onChange={(e) => useDocumentStore.setState({ autoAnalyze: e.target.checked })}
            />
            analyse when done
          </label>
        </div>
      </div>
      <p className="prompt-hint">
        <kbd>Ctrl</kbd>+<kbd>Enter</kbd> generates, <kbd>Esc</kbd> stops. Temperature 0 is greedy.
      </p>
      <TokenStream />
      <Verdict />
      <ResponseBox />
    </section>
  );
}

interface NumberFieldSpec {
  key: keyof GenerationSettings;
  label: string;
  testId: string;
  min: number;
  max?: number;
  step: number;
  integer: boolean;
}

const FIELDS: NumberFieldSpec[] = [
  { key: 'maxTokens', label: 'Max tokens', testId: 'max-tokens-input', min: 1, max: 4096, step: 1, integer: true },
  { key: 'temperature', label: 'Temperature', testId: 'temperature-input', min: 0, max: 5, step: 0.1, integer: false },
  { key: 'seed', label: 'Seed', testId: 'seed-input', min: 0, step: 1, integer: true },
];

function SettingsInputs() {
  const settings = useDocumentStore((s) => s.settings);
  const setSettings = useDocumentStore((s) => s.setSettings);
  const generating = useDocumentStore((s) => s.generating);
  return (
    <div className="settings-row">
      {FIELDS.map((f) => (
        <NumberField
          key={f.key}
          spec={f}
          value={settings[f.key]}
          disabled={generating}
          onChange={(v) => setSettings({ [f.key]: v })}
        />
      ))}
    </div>
  );
}

/** A number input that lets the user clear and retype; only valid values reach the store. */
function NumberField(props: { spec: NumberFieldSpec; value: number; disabled: boolean; onChange(v: number): void }) {
  const id = useId();
  const { spec } = props;
  const [text, setText] = useState(String(props.value));
  const parse = (t: string): number | null => {
    const raw = Number(t);
    if (t.trim() === '' || !Number.isFinite(raw)) return null;
    const v = spec.integer ? Math.round(raw) : raw;
    return Math.max(spec.min, spec.max !== undefined ? Math.min(spec.max, v) : v);
  };
  return (
    <div className="field field-number">
      <label className="field-label" htmlFor={id}>
        {spec.label}
      </label>
      <input
        id={id}
        className="input"
        type="number"
        inputMode={spec.integer ? 'numeric' : 'decimal'}
        data-testid={spec.testId}
        min={spec.min}
        max={spec.max}
        step={spec.step}
        value={text}
        disabled={props.disabled}
        onChange={(e) => {
          setText(e.target.value);
          const v = parse(e.target.value);
          if (v !== null) props.onChange(v);
        }}
        onBlur={() => setText(String(props.value))}
      />
    </div>
  );
}
