/** Tooltip with every value of one token, placed under its element inside a scrolling container. */
import type { TokenDetails } from './details';
import { displayToken } from './display';
import { ROLES } from './roles';
import { GLOSSARY } from '../glossary/glossary';

export interface TokenTooltipProps {
  details: TokenDetails;
  anchor: HTMLElement;
  container: HTMLElement;
}

export function TokenTooltip({ details, anchor, container }: TokenTooltipProps) {
  // Token and strip share one offset parent (the panel), so offsets are in panel coordinates; the strip's
  // own scroll moves the token. Placed below the token, kept inside the strip's width.
  const left = Math.max(
    container.offsetLeft,
    Math.min(anchor.offsetLeft - container.scrollLeft, container.offsetLeft + container.clientWidth - 240),
  );
  const top = anchor.offsetTop - container.scrollTop + anchor.offsetHeight + 4;
  return (
    <div className="chart-tooltip ts-tooltip" role="tooltip" style={{ left, top }}>
      <div>
        <span className="tok">{displayToken(details.token).text}</span>{' '}
        <span className="muted">
          t = {details.position}
          {details.responseIndex !== null ? ` · response #${details.responseIndex}` : ' · prompt'}
          {details.tokenId !== undefined ? ` · id ${details.tokenId}` : ''}
        </span>
      </div>
      {details.values.length > 0 && (
        <table className="ts-values">
          <tbody>
            {details.values.map(([label, value]) => (
              <tr key={label}>
                <td className="muted">{label}</td>
                <td className="num">{value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {details.roles.length > 0 && (
        <div className="ts-tip-roles">
          {details.roles.map((id) => {
            const r = ROLES.find((x) => x.id === id)!;
            return (
              <div key={id}>
                <span style={{ color: r.color }}>{r.glyph}</span> {r.label} ({r.set}):{' '}
                <span className="muted">{GLOSSARY[id].split(': ').slice(1).join(': ')}</span>
              </div>
            );
          })}
        </div>
      )}
    </div>
  );
}
