/**
 * The "Advanced" drawer in the side column: the method settings, folded so the first screen reads prompt →
 * response → rhythm. It opens by itself when the options differ from the engine defaults (a shared URL, a
 * reload after a change), so a changed setting is never hidden.
 */
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { resolveOptions } from '../../core/rhythm/options';
import { useSettingsStore } from '../analysis/stores';
import { changeKind } from '../settings/schema';

export function AdvancedDrawer({ children }: { children: ReactNode }) {
  const options = useSettingsStore((s) => s.options);
  const changed = useMemo(() => changeKind({}, resolveOptions(options)).changed, [options]);
  const isChanged = changed.length > 0;
  const [open, setOpen] = useState(isChanged);
  useEffect(() => {
    if (isChanged) setOpen(true);
  }, [isChanged]);
  return (
    <details
      className="card advanced-drawer"
      data-testid="advanced-drawer"
      open={open}
      onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)}
    >
      <summary className="advanced-summary" data-testid="advanced-toggle">
        <span className="card-title">Advanced</span>
        <span className="advanced-hint">
          {isChanged ? `method settings · changed: ${changed.join(', ')}` : 'method settings (defaults)'}
        </span>
      </summary>
      {open && children}
    </details>
  );
}
