/** Scheme + normalisation pickers for a colour scale (controlled). */
import { SCALE_MODES, SCHEME_NAMES, SCHEMES, type ScaleMode, type SchemeName } from './scales';

export interface ScaleControlsProps {
  scheme: SchemeName;
  mode: ScaleMode;
  onChange: (next: { scheme: SchemeName; mode: ScaleMode }) => void;
  /** Offer only these schemes (e.g. sequential ones for attention). */
  schemes?: SchemeName[];
  idPrefix: string;
}

export function ScaleControls({ scheme, mode, onChange, schemes = SCHEME_NAMES, idPrefix }: ScaleControlsProps) {
  return (
    <span className="scale-controls">
      <label htmlFor={`${idPrefix}-scheme`}>Colours</label>
      <select
        id={`${idPrefix}-scheme`}
        value={scheme}
        onChange={(e) => onChange({ scheme: e.target.value as SchemeName, mode })}
      >
        {schemes.map((s) => (
          <option key={s} value={s}>
            {SCHEMES[s].label}
          </option>
        ))}
      </select>
      <label htmlFor={`${idPrefix}-mode`}>Scale</label>
      <select
        id={`${idPrefix}-mode`}
        value={mode}
        onChange={(e) => onChange({ scheme, mode: e.target.value as ScaleMode })}
      >
        {SCALE_MODES.map((m) => (
          <option key={m} value={m}>
            {m}
          </option>
        ))}
      </select>
    </span>
  );
}
