/**
 * Settings panel (data-testid="settings-panel"): every rhythm option with its engine default, grouped
 * (heads, metrics, roles, credit), help text, inline engine validation messages, a reset, and a note saying
 * whether the change recomputes instantly from the cached pass or needs the attention maps again.
 * Text fields validate while typing and apply on Enter / leaving the field; checkboxes and selects apply at once.
 */
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { DEFAULT_OPTIONS, type RhythmOptions } from '../../core/rhythm/options';
import {
  changeKind,
  GROUPS,
  optionFields,
  toDrafts,
  validateDrafts,
  type Drafts,
  type OptionField,
  type OptionKey,
} from './schema';
import './settings.css';

export interface SettingsPanelProps {
  /** Current options (resolved, partial, or a record's `options`). */
  value: Partial<RhythmOptions> | Record<string, unknown>;
  /** Options the shown analysis was computed with (for the maps/instant note); default `value`. */
  analyzed?: Partial<RhythmOptions> | Record<string, unknown>;
  /** Called with fully validated options when the user applies a change or resets. */
  onChange: (options: RhythmOptions) => void;
}

const key = (v: unknown) => JSON.stringify(v, (_k, x) => (x === Infinity ? 'Infinity' : x));

export function SettingsPanel({ value, analyzed, onChange }: SettingsPanelProps) {
  const id = useId().replace(/[^a-zA-Z0-9_-]/g, '');
  const fields = useMemo(() => optionFields(), []);
  const [drafts, setDrafts] = useState<Drafts>(() => toDrafts(value));
  const lastValue = useRef(key(value));

  // A new `value` from outside (URL, reload, another panel) replaces the drafts.
  useEffect(() => {
    const k = key(value);
    if (k !== lastValue.current) {
      lastValue.current = k;
      setDrafts(toDrafts(value));
    }
  }, [value]);

  const validation = useMemo(() => validateDrafts(drafts), [drafts]);
  const defaults = useMemo(() => toDrafts({}), []);
  const change = validation.options ? changeKind(analyzed ?? value, validation.options) : null;
  const dirty = useMemo(() => fields.some((f) => drafts[f.key] !== toDrafts(value)[f.key]), [drafts, value, fields]);

  const apply = (next: Drafts) => {
    const v = validateDrafts(next);
    if (!v.options) return;
    lastValue.current = key(v.options);
    onChange(v.options);
  };
  const set = (k: OptionKey, v: string | boolean, commit: boolean) => {
    const next = { ...drafts, [k]: v };
    setDrafts(next);
    if (commit) apply(next);
  };
  const reset = () => {
    const next = toDrafts({});
    setDrafts(next);
    apply(next);
  };

  const input = (f: OptionField) => {
    const inputId = `${id}-${f.key}`;
    const error = validation.errors[f.key];
    const describedBy = `${inputId}-help${error ? ` ${inputId}-err` : ''}`;
    const common = {
      id: inputId,
      'aria-describedby': describedBy,
      'aria-invalid': error ? true : undefined,
      'data-option': f.key,
    };
    if (f.kind === 'boolean') {
      return (
        <input
          type="checkbox"
          {...common}
          checked={drafts[f.key] === true}
          onChange={(e) => set(f.key, e.target.checked, true)}
        />
      );
    }
    if (f.kind === 'choice') {
      return (
        <select
          className="select st-input"
          {...common}
          value={String(drafts[f.key])}
          onChange={(e) => set(f.key, e.target.value, true)}
        >
          {f.choices!.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      );
    }
    const listId = f.choices ? `${inputId}-list` : undefined;
    return (
      <>
        <input
          type="text"
          className={`input st-input${f.kind === 'heads' ? ' st-wide' : f.kind === 'number' ? '' : ' st-word'}`}
          {...common}
          list={listId}
          inputMode={f.kind === 'number' ? 'decimal' : undefined}
          spellCheck={false}
          autoComplete="off"
          placeholder={f.kind === 'heads' ? 'split per sequence' : undefined}
          value={String(drafts[f.key] ?? '')}
          onChange={(e) => set(f.key, e.target.value, false)}
          onBlur={() => apply(drafts)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') apply(drafts);
          }}
        />
        {listId && (
          <datalist id={listId}>
            {f.choices!.map((c) => (
              <option key={c} value={c} />
            ))}
          </datalist>
        )}
      </>
    );
  };

  return (
    <section className="chart-panel settings-panel" data-testid="settings-panel" aria-label="Method settings">
      <div className="chart-toolbar">
        <h3 className="chart-title">Settings</h3>
        <span className="chart-subtitle">method options (arXiv 2510.13554); defaults from the engine</span>
        <span className="chart-spacer" />
        <button
          type="button"
          className="chart-button"
          onClick={reset}
          data-testid="settings-reset"
          title="Back to the engine defaults"
        >
          Reset to defaults
        </button>
      </div>
      <p className={`st-note${change?.needsMaps ? ' is-maps' : ''}`} role="status" data-testid="settings-note">
        {!validation.options
          ? 'Fix the marked fields to apply.'
          : change && change.changed.length > 0
            ? change.needsMaps
              ? `Changed ${change.changed.join(', ')}: needs the attention maps again (W, H_lo, H_hi and sink change the per-head vectors).`
              : `Changed ${change.changed.join(', ')}: recomputed instantly from the cached attention pass.`
            : dirty
              ? 'Press Enter or leave the field to apply.'
              : 'W, H_lo, H_hi and sink need the attention maps again; every other option recomputes instantly.'}
      </p>
      <div className="st-groups">
        {GROUPS.map((g) => (
          <fieldset key={g.id} className="st-group">
            <legend>{g.title}</legend>
            {fields
              .filter((f) => f.group === g.id)
              .map((f) => {
                const error = validation.errors[f.key];
                const isDefault = drafts[f.key] === defaults[f.key];
                return (
                  <div
                    key={f.key}
                    className={`st-field${error ? ' has-error' : ''}${f.kind === 'boolean' ? ' is-check' : ''}`}
                  >
                    <label htmlFor={`${id}-${f.key}`} className="st-label">
                      <span className="st-name">{f.label}</span>
                      {f.needsMaps ? (
                        <span className="st-badge is-maps" title="changing this needs the attention maps again">
                          maps
                        </span>
                      ) : (
                        <span className="st-badge" title="changing this recomputes instantly from the cached pass">
                          instant
                        </span>
                      )}
                    </label>
                    <div className="st-control">
                      {input(f)}
                      {f.kind !== 'heads' && (
                        <span
                          className={`st-default${isDefault ? ' is-default' : ''}`}
                          title={`engine default (${f.flag} on the command line)`}
                        >
                          default{' '}
                          {f.kind === 'boolean'
                            ? DEFAULT_OPTIONS[f.key as 'sink']
                              ? 'on'
                              : 'off'
                            : String(defaults[f.key])}
                        </span>
                      )}
                    </div>
                    <p id={`${id}-${f.key}-help`} className="st-help">
                      {f.help} <code>{f.flag}</code>
                    </p>
                    {error && (
                      <p id={`${id}-${f.key}-err`} className="st-error" role="alert">
                        {error}
                      </p>
                    )}
                  </div>
                );
              })}
          </fieldset>
        ))}
      </div>
    </section>
  );
}
