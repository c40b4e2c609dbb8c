/**
 * The Train panel: GRPO fine-tuning of the loaded model with attention-weighted credit, in its own worker.
 * Form (task, level, strategies × seeds, steps, G, …) → Start / Pause / Resume / Cancel → live charts with the
 * runs overlaid → export, load into the workbench, before/after rhythm; saved checkpoints reopen after a reload.
 */
import { useEffect, useId, type ReactNode } from 'react';
import { TASK_NAMES, TASKS, isTaskName } from '../../core/tasks/index';
import { reopenLatest } from './checkpoints';
import {
  CREDIT_SIGN_CHOICES,
  FIELD_LABELS,
  PLANNING_SET_CHOICES,
  STEP_PARAMS,
  STRATEGY_CHOICES,
  type FormField,
} from './form';
import { strategyColor } from './series';
import { Controls, Progress } from './TrainControls';
import { TrainResults } from './TrainResults';
import { setForm, useTrainStore } from './trainStore';
import './train.css';

export function TrainPanel() {
  useEffect(() => {
    void reopenLatest();
  }, []);
  return (
    <section className="train-panel" data-testid="train-panel" aria-labelledby="train-title">
      <div className="card train-setup">
        <h2 className="card-title" id="train-title">
          Fine-tune with attention-weighted credit (GRPO)
        </h2>
        <TrainForm />
        <Controls />
        <Progress />
      </div>
      <TrainResults />
    </section>
  );
}

function Field({ field, children, hint }: { field: FormField; children: (id: string) => ReactNode; hint?: string }) {
  const id = useId();
  const error = useTrainStore((s) => (s.fieldError?.field === field ? s.fieldError.message : null));
  return (
    <div className={`field train-field${error ? ' has-error' : ''}`}>
      <label className="field-label" htmlFor={id}>
        {FIELD_LABELS[field]}
      </label>
      {children(id)}
      {hint && !error && <span className="train-hint">{hint}</span>}
      {error && (
        <span className="train-field-error" data-testid="train-field-error" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}

const NUMBER_FIELDS: { field: FormField; testId: string; hint?: string }[] = [
  { field: 'steps', testId: 'train-steps' },
  { field: 'group', testId: 'train-group', hint: 'responses per prompt, ≥ 2' },
  { field: 'prompts', testId: 'train-prompts' },
  { field: 'lr', testId: 'train-lr' },
  { field: 'maxTokens', testId: 'train-max-tokens' },
  { field: 'evalEvery', testId: 'train-eval-every', hint: 'steps' },
  { field: 'evalProblems', testId: 'train-eval-problems', hint: '0 = no held-out score' },
  { field: 'checkpointEvery', testId: 'train-checkpoint-every', hint: 'steps; 0 = at the end only' },
];

function TrainForm() {
  const form = useTrainStore((s) => s.form);
  const locked = useTrainStore((s) => s.status === 'starting' || s.status === 'running' || s.status === 'paused');
  const levels = isTaskName(form.task) ? TASKS[form.task].levels : [];
  return (
    <fieldset className="train-form" disabled={locked}>
      <Field field="task">
        {(id) => (
          <select
            id={id}
            className="select"
            data-testid="train-task"
            value={form.task}
            onChange={(e) => {
              const task = e.target.value;
              const next = isTaskName(task) ? TASKS[task].levels : [];
              setForm({
                task,
                level: next.map(String).includes(form.level) ? form.level : String(next[0] ?? form.level),
              });
            }}
          >
            {TASK_NAMES.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field field="level">
        {(id) => (
          <select
            id={id}
            className="select"
            data-testid="train-level"
            value={form.level}
            onChange={(e) => setForm({ level: e.target.value })}
          >
            {levels.map((l) => (
              <option key={l} value={String(l)}>
                {l}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field field="seeds" hint='e.g. "0,1"'>
        {(id) => (
          <input
            id={id}
            className="input"
            data-testid="train-seeds"
            value={form.seeds}
            onChange={(e) => setForm({ seeds: e.target.value })}
            spellCheck={false}
          />
        )}
      </Field>
      {[...NUMBER_FIELDS, ...STEP_PARAMS.filter(({ strategy }) => form.strategies.includes(strategy))].map(
        ({ field, testId, hint }) => (
          <Field key={field} field={field} hint={hint}>
            {(id) => (
              <input
                id={id}
                className="input"
                data-testid={testId}
                inputMode="decimal"
                value={form[field] as string}
                onChange={(e) => setForm({ [field]: e.target.value })}
                spellCheck={false}
              />
            )}
          </Field>
        ),
      )}
      <Field field="creditSign" hint="paper's strategies and hicra">
        {(id) => (
          <select
            id={id}
            className="select"
            data-testid="train-credit-sign"
            value={form.creditSign}
            onChange={(e) => setForm({ creditSign: e.target.value as typeof form.creditSign })}
          >
            {CREDIT_SIGN_CHOICES.map((c) => (
              <option key={c.value} value={c.value}>
                {c.label}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field field="planningSet" hint="hicra only">
        {(id) => (
          <select
            id={id}
            className="select"
            data-testid="train-planning-set"
            value={form.planningSet}
            onChange={(e) => setForm({ planningSet: e.target.value as typeof form.planningSet })}
          >
            {PLANNING_SET_CHOICES.map((c) => (
              <option key={c.value} value={c.value}>
                {c.label}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Strategies />
    </fieldset>
  );
}

function Strategies() {
  const chosen = useTrainStore((s) => s.form.strategies);
  const error = useTrainStore((s) => (s.fieldError?.field === 'strategies' ? s.fieldError.message : null));
  return (
    <div
      className={`field train-strategies${error ? ' has-error' : ''}`}
      data-testid="train-strategies"
      role="group"
      aria-label="Strategies to compare"
    >
      <span className="field-label">Strategies (one run per strategy × seed)</span>
      <div className="train-strategy-list">
        {STRATEGY_CHOICES.map((name) => (
          <label key={name} className="train-strategy">
            <input
              type="checkbox"
              data-testid={`train-strategy-${name}`}
              checked={chosen.includes(name)}
              onChange={(e) =>
                setForm({ strategies: e.target.checked ? [...chosen, name] : chosen.filter((x) => x !== name) })
              }
            />
            <span className="train-swatch" style={{ background: strategyColor(name) }} aria-hidden="true" />
            {name}
          </label>
        ))}
      </div>
      {error && (
        <span className="train-field-error" data-testid="train-field-error" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}
