/**
 * Width (CSS px) of an element from a ResizeObserver only; null until its first observation.
 * Unlike reading clientWidth in an effect, this never forces a synchronous layout: the observer's first entry
 * comes in the next rendering step, after the browser's own layout (a forced layout of the freshly mounted
 * views cost 10–30 ms of a long task).
 */
import { useEffect, useState, type RefObject } from 'react';

export function useObservedWidth(ref: RefObject<HTMLElement | null>): number | null {
  const [width, setWidth] = useState<number | null>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    // Round to whole px so sub-pixel layout jitter does not re-render the charts.
    const ro = new ResizeObserver((entries) => setWidth(Math.round(entries[0].contentRect.width) || null));
    ro.observe(el);
    return () => ro.disconnect();
  }, [ref]);
  return width;
}
