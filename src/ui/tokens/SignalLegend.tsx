/**
 * Legend of a signal's colours: discrete swatches for γ with few distinct values (credit colours, neutral at 1),
 * otherwise the theme's gradient legend.
 */
import type { AnalysisRecord } from '../../core/rhythm/record';
import { ColorLegend } from '../theme/ColorLegend';
import { SCHEMES, type SchemeName } from '../theme/scales';
import { distinctGammas, formatValue, gammaColor, type SignalId } from './signals';

export interface SignalLegendProps {
  record: AnalysisRecord;
  signal: SignalId;
  domain: [number, number];
  scheme: SchemeName;
  title: string;
}

export function SignalLegend({ record, signal, domain, scheme, title }: SignalLegendProps) {
  const levels = signal.startsWith('gamma.') ? distinctGammas(record) : null;
  if (!levels)
    return <ColorLegend spec={{ scheme, mode: 'linear', domain }} title={title} length={180} thickness={10} />;
  const interp = SCHEMES[scheme].interpolate;
  return (
    <div className="signal-levels">
      <div className="signal-levels-title">{title}</div>
      <ul aria-label={`${title} colours`}>
        {levels.map((g) => (
          <li key={g}>
            <span className="signal-swatch" style={{ background: gammaColor(g, domain, interp) }} />γ = {formatValue(g)}
            {g === 1 ? ' (no boost)' : ''}
          </li>
        ))}
      </ul>
    </div>
  );
}
