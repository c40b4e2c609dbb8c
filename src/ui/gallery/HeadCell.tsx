/** One head of the gallery: a button over its thumbnail, with class badges and span d underneath. */
import { HEAD_CLASS_COLORS } from '../theme';
import { BADGE, CELL_PAD_TOP, CELL_PAD_X, RECEIVER_COLOR } from './geometry';
import { formatSpan, type GalleryHead } from './heads';

export interface HeadCellProps {
  g: GalleryHead;
  size: number;
  /** First query head of a key/value group (a separator on its left). */
  kvStart?: boolean;
  tabIndex: number;
  active: boolean;
  buttonRef: (b: HTMLButtonElement | null) => void;
  onFocus: () => void;
  onSelect: () => void;
}

export function HeadCell({ g, size, kvStart, tabIndex, active, buttonRef, onFocus, onSelect }: HeadCellProps) {
  const compact = size < 40;
  const label = `Layer ${g.layer}, head ${g.head}: ${g.cls}${g.alsoGlobal ? ' and global' : ''} head${g.receiver ? ', receiver' : ''}, span d ${formatSpan(g.d)}`;
  return (
    <span role="gridcell" className={`gallery-cell${kvStart ? ' gallery-kv-start' : ''}`}>
      <button
        ref={buttonRef}
        type="button"
        tabIndex={tabIndex}
        className={`gallery-button gallery-${g.cls}${active ? ' gallery-active' : ''}`}
        aria-label={label}
        aria-pressed={active}
        title={label}
        onFocus={onFocus}
        onClick={onSelect}
        style={{ ['--cls-color' as string]: HEAD_CLASS_COLORS[g.cls] }}
      >
        <span
          className="gallery-thumb"
          style={{ left: CELL_PAD_X, top: CELL_PAD_TOP, width: size, height: size }}
          aria-hidden="true"
        />
        <span
          className={`gallery-caption${compact ? ' gallery-caption-compact' : ''}`}
          style={{ left: CELL_PAD_X, top: CELL_PAD_TOP + size + 1, width: size + CELL_PAD_X - 1 }}
          aria-hidden="true"
        >
          {!(compact && g.cls === 'neither') && (
            <span
              className={`head-badge head-badge-${g.cls}`}
              style={{ background: g.cls === 'neither' ? undefined : HEAD_CLASS_COLORS[g.cls] }}
            >
              {BADGE[g.cls]}
            </span>
          )}
          {g.alsoGlobal && (
            <span className="head-badge head-badge-global" style={{ background: HEAD_CLASS_COLORS.global }}>
              G
            </span>
          )}
          {g.receiver && (
            <span className="head-badge head-badge-receiver" style={{ background: RECEIVER_COLOR }}>
              R
            </span>
          )}
          <span className="gallery-d">{formatSpan(g.d, compact)}</span>
        </span>
      </button>
    </span>
  );
}
