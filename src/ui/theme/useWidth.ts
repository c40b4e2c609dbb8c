/**
 * Element widths from a ResizeObserver only. Unlike reading clientWidth in an effect, this never forces a
 * synchronous layout: the observer's first entry comes in the next rendering step, after the browser's own layout
 * (a forced layout of freshly mounted views cost 10–30 ms of a long task).
 */
import { useEffect, useState, type RefObject } from 'react';

/** Width (CSS px) of an element; null until its first observation. */
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

/** The same with `fallback` until measured. */
export function useElementWidth(ref: RefObject<HTMLElement | null>, fallback: number): number {
  return useObservedWidth(ref) ?? fallback;
}
