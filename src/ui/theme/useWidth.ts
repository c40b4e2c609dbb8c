/** Width (CSS px) of an element, kept up to date with a ResizeObserver; `fallback` until measured. */
import { useEffect, useState, type RefObject } from 'react';

export function useElementWidth(ref: RefObject<HTMLElement | null>, fallback: number): number {
  const [width, setWidth] = useState(fallback);
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    setWidth(el.clientWidth || fallback);
    // Round to whole px so sub-pixel layout jitter does not re-render the charts.
    const ro = new ResizeObserver((entries) => setWidth(Math.round(entries[0].contentRect.width) || fallback));
    ro.observe(el);
    return () => ro.disconnect();
  }, [ref, fallback]);
  return width;
}
