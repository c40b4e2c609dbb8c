/**
 * A tiny XML well-formedness check for tests of the SVG builders (vitest here has no DOMParser): balanced,
 * properly nested tags, quoted attributes without raw '<', no unescaped '&' and no raw '<' in text.
 * Returns null when well-formed, else a message naming the problem and its offset.
 */
export function xmlProblem(xml: string): string | null {
  const stack: string[] = [];
  let i = 0;
  let sawRoot = false;
  const NAME = /^[A-Za-z_:][\w:.-]*/;
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    const text = xml.slice(i, lt < 0 ? xml.length : lt);
    const amp = /&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.exec(text);
    if (amp) return `unescaped & at ${i + amp.index}`;
    if (text.includes('>')) return `stray > at ${i + text.indexOf('>')}`;
    if (text.trim() && stack.length === 0) return `text outside the root element at ${i}`;
    if (lt < 0) break;
    if (xml.startsWith('<?', lt)) {
      const e = xml.indexOf('?>', lt);
      if (e < 0) return `unclosed <? at ${lt}`;
      i = e + 2;
      continue;
    }
    if (xml.startsWith('<!--', lt)) {
      const e = xml.indexOf('-->', lt);
      if (e < 0) return `unclosed comment at ${lt}`;
      i = e + 3;
      continue;
    }
    const close = xml[lt + 1] === '/';
    const nameMatch = NAME.exec(xml.slice(lt + (close ? 2 : 1)));
    if (!nameMatch) return `bad tag name at ${lt}`;
    const name = nameMatch[0];
    let j = lt + (close ? 2 : 1) + name.length;
    const attrs = new Set<string>();
    // Attributes: name="value" or name='value'; values must not contain '<'.
    for (;;) {
      while (/\s/.test(xml[j] ?? '')) j++;
      if (xml[j] === '>' || (xml[j] === '/' && xml[j + 1] === '>')) break;
      if (close) return `attributes on a closing tag at ${lt}`;
      const an = NAME.exec(xml.slice(j));
      if (!an) return `bad attribute at ${j}`;
      if (attrs.has(an[0])) return `duplicate attribute ${an[0]} at ${j}`;
      attrs.add(an[0]);
      j += an[0].length;
      if (xml[j] !== '=') return `attribute ${an[0]} without value at ${j}`;
      const q = xml[j + 1];
      if (q !== '"' && q !== "'") return `unquoted attribute ${an[0]} at ${j}`;
      const end = xml.indexOf(q, j + 2);
      if (end < 0) return `unterminated attribute ${an[0]} at ${j}`;
      const value = xml.slice(j + 2, end);
      if (value.includes('<')) return `'<' inside attribute ${an[0]} at ${j}`;
      if (/&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(value))
        return `unescaped & in attribute ${an[0]} at ${j}`;
      j = end + 1;
    }
    const selfClosing = xml[j] === '/';
    i = j + (selfClosing ? 2 : 1);
    if (close) {
      const open = stack.pop();
      if (open !== name) return `</${name}> closes <${open ?? 'nothing'}> at ${lt}`;
    } else if (!selfClosing) {
      if (stack.length === 0 && sawRoot) return `second root element <${name}> at ${lt}`;
      stack.push(name);
      sawRoot = true;
    } else if (stack.length === 0) {
      if (sawRoot) return `second root element <${name}> at ${lt}`;
      sawRoot = true;
    }
  }
  if (stack.length) return `unclosed <${stack[stack.length - 1]}>`;
  if (!sawRoot) return 'no root element';
  return null;
}
