/**
 * Token text for display: whitespace made visible (a space token would otherwise be an invisible label) and
 * control characters named. Token strings are data, never markup: React text nodes, canvas fillText and
 * escapeXml for SVG are the only ways they reach the screen.
 */
const VISIBLE: Record<string, string> = { ' ': '␣', '\n': '↵', '\t': '⇥', '\r': '␍' };

export function displayToken(token: string, maxChars = 16): string {
  let s = '';
  for (const ch of token) {
    const code = ch.codePointAt(0)!;
    if (VISIBLE[ch]) s += VISIBLE[ch];
    else if (code < 0x20 || code === 0x7f) s += `\\x${code.toString(16).padStart(2, '0')}`;
    else s += ch;
  }
  const chars = [...s];
  return chars.length > maxChars ? chars.slice(0, maxChars - 1).join('') + '…' : s || '∅';
}

/** Escapes text for SVG/XML content and attribute values. Also drops characters XML 1.0 forbids. */
export function escapeXml(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
  );
}

/** A file-name-safe slug: "Layer 1 · head 2" → "layer-1-head-2". */
export function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'figure'
  );
}
