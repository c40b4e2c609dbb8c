import { useId } from 'react';
import { TASKS } from '../../core/tasks/index';
import { TASK_NAMES, type TaskName } from '../../core/tasks/types';
import { sampleProblem } from './actions';
import { useDocumentStore } from './documentStore';

/** "Sample a task problem": task + level + button; the problem goes into the prompt box. */
export function TaskPicker() {
  const id = useId();
  const task = useDocumentStore((s) => s.task);
  const level = useDocumentStore((s) => s.level);
  const spec = TASKS[task];
  return (
    <div className="task-picker">
      <label className="visually-hidden" htmlFor={`${id}-task`}>
        Task
      </label>
      <select
        id={`${id}-task`}
        className="select select-small"
        data-testid="task-select"
        value={task}
        onChange={(e) => useDocumentStore.setState({ task: e.target.value as TaskName, level: 1 })}
      >
        {TASK_NAMES.map((t) => (
          <option key={t} value={t}>
            {t}
          </option>
        ))}
      </select>
      <label className="visually-hidden" htmlFor={`${id}-level`}>
        Level
      </label>
      <select
        id={`${id}-level`}
        className="select select-small"
        data-testid="task-level"
        value={level}
        title={spec.describeLevel(level)}
        onChange={(e) => useDocumentStore.setState({ level: Number(e.target.value) })}
      >
        {spec.levels.map((l) => (
          <option key={l} value={l}>
            level {l}
          </option>
        ))}
      </select>
      <button
        type="button"
        className="btn btn-small"
        data-testid="sample-problem"
        title={spec.describeLevel(level)}
        onClick={() => sampleProblem(task, level)}
      >
        Sample problem
      </button>
    </div>
  );
}

/** The verifier's verdict on the last generation (only when the prompt is a task problem). */
export function Verdict() {
  const verdict = useDocumentStore((s) => s.verdict);
  if (!verdict) return null;
  const text = verdict.correct ? 'correct' : verdict.formatOk ? 'well-formed, wrong answer' : 'not well-formed';
  return (
    <p
      className={`verdict ${verdict.correct ? 'verdict-ok' : 'verdict-bad'}`}
      data-testid="verdict"
      title={verdict.error ?? ''}
    >
      <strong>{verdict.task}</strong> verifier: {text}
      {verdict.answer !== undefined ? ` (answer “${verdict.answer}”)` : ''} · reward {verdict.reward}
    </p>
  );
}
