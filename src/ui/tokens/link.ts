/**
 * Linking props shared by every token-indexed view: positions are absolute (0..N−1, prompt included), so
 * one hovered / selected index and one brushed span can drive the heatmap, strip, chart and credit view.
 */
export interface TokenLinkProps {
  /** Position under the pointer in some view (null: none). */
  hovered?: number | null;
  /** Selected position (click or keyboard). */
  selected?: number | null;
  /** Brushed span [start, end] of positions, both inclusive; other tokens are dimmed. */
  span?: [number, number] | null;
  onHover?: (position: number | null) => void;
  onSelect?: (position: number | null) => void;
}

export function inSpan(t: number, span: [number, number] | null | undefined): boolean {
  return !span || (t >= span[0] && t <= span[1]);
}
