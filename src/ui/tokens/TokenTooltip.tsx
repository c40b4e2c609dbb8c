/** Tooltip with every value of one token, placed under its element inside a scrolling container. */
import type { TokenDetails } from './details';
import { displayToken } from './display';
import { ROLES } from './roles';

export interface TokenTooltipProps {
  details: TokenDetails;
  anchor: HTMLElement;
  container: HTMLElement;
}

export function TokenTooltip({ details, anchor, container }: TokenTooltipProps) {
  // Position relative to the strip's offset parent (the panel): below the token, kept inside the panel.
  const left = Math.max(0, Math.min(anchor.offsetLeft - container.scrollLeft + container.offsetLeft, container.offsetLeft + container.clientWidth - 260));
  const top = anchor.offsetTop - container.scrollTop + container.offsetTop + anchor.offsetHeight + 6;
  return (
    <div className="chart-tooltip ts-tooltip" role="tooltip" style={{ left, top }}>
      <div>
        <span className="tok">{displayToken(details.token).text}</span>{' '}
        <span className="muted">t = {details.position}{details.responseIndex !== null ? ` · response #${details.responseIndex}` : ' · prompt'}{details.tokenId !== undefined ? ` · id ${details.tokenId}` : ''}</span>
      </div>
      {details.values.length > 0 && (
        <table className="ts-values">
          <tbody>
            {details.values.map(([label, value]) => (
              <tr key={label}><td className="muted">{label}</td><td className="num">{value}</td></tr>
            ))}
          </tbody>
        </table>
      )}
      {details.roles.length > 0 && (
        <div className="ts-tip-roles">
          {details.roles.map((id) => {
            const r = ROLES.find((x) => x.id === id)!;
            return <span key={id}><span style={{ color: r.color }}>{r.glyph}</span> {r.label} ({r.set}) </span>;
          })}
        </div>
      )}
    </div>
  );
}
