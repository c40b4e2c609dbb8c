/**
 * Token text for display: whitespace and control characters become visible symbols (␣ ↵ ⇥ …) so a token that
 * is "just a space" or a newline can be seen, hovered and selected. The result is plain text for React text
 * nodes — never HTML.
 */

export interface TokenDisplay {
  /** What to draw. */
  text: string;
  /** The same text in runs, each marked escaped (a visible symbol) or not, so symbols can be drawn subtly. */
  parts: { text: string; escaped: boolean }[];
  /** True when some character was replaced by a visible symbol (drawn subtly). */
  escaped: boolean;
  /** True when the token holds a newline: the strip breaks the line after it. */
  newline: boolean;
}

const VISIBLE: Readonly<Record<string, string>> = {
  ' ': '␣',
  '\n': '↵',
  '\r': '␍',
  '\t': '⇥',
  '\u00a0': '⍽',
};

/** Replaces whitespace and C0/C1 control characters by visible symbols; an empty token shows as "∅". */
export function displayToken(token: string): TokenDisplay {
  if (token.length === 0) return { text: '∅', parts: [{ text: '∅', escaped: true }], escaped: true, newline: false };
  const parts: TokenDisplay['parts'] = [];
  const push = (t: string, escaped: boolean) => {
    const last = parts[parts.length - 1];
    if (last && last.escaped === escaped) last.text += t;
    else parts.push({ text: t, escaped });
  };
  for (const ch of token) {
    const code = ch.codePointAt(0)!;
    const visible = VISIBLE[ch];
    if (visible !== undefined) push(visible, true);
    else if (code < 0x20 || (code >= 0x7f && code < 0xa0)) {
      // Other control characters: Unicode "control pictures" for C0, a hex escape otherwise.
      push(code < 0x20 ? String.fromCodePoint(0x2400 + code) : `\\x${code.toString(16)}`, true);
    } else push(ch, false);
  }
  return {
    text: parts.map((p) => p.text).join(''),
    parts,
    escaped: parts.some((p) => p.escaped),
    newline: token.includes('\n'),
  };
}

/** Short, single-line label of a token for axes and table headers (escaped, cut to `max` characters). */
export function tokenLabel(token: string, max = 12): string {
  const { text } = displayToken(token);
  const chars = [...text];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : text;
}
