// Spring's `${key}` / `${key:default}` placeholders, resolved the way PropertyPlaceholderHelper
// does with unresolvable placeholders left in place. `\${` escapes a placeholder.

const MAX_DEPTH = 16;

function findEnd(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    if (text.startsWith('${', i)) {
      depth++;
      i++;
    } else if (text[i] === '{') depth++;
    else if (text[i] === '}') {
      if (depth === 0) return i;
      depth--;
    }
  }
  return -1;
}

function resolve(
  text: string,
  lookup: (key: string) => string | undefined,
  visiting: Set<string>,
  depth: number,
): string {
  if (depth > MAX_DEPTH) return text;
  let out = '';
  let i = 0;
  while (i < text.length) {
    const start = text.indexOf('${', i);
    if (start < 0) break;
    const end = findEnd(text, start + 2);
    if (end < 0) break;
    out += text.slice(i, start);
    const inner = resolve(text.slice(start + 2, end), lookup, visiting, depth + 1);
    let value: string | undefined;
    if (!visiting.has(inner)) {
      value = lookup(inner);
      if (value === undefined) {
        const sep = inner.indexOf(':');
        if (sep >= 0) value = lookup(inner.slice(0, sep)) ?? inner.slice(sep + 1);
      }
    }
    if (value === undefined) {
      out += `\${${inner}}`;
    } else {
      visiting.add(inner);
      out += resolve(value, lookup, visiting, depth + 1);
      visiting.delete(inner);
    }
    i = end + 1;
  }
  return out + text.slice(i);
}

export function resolvePlaceholders(text: string, lookup: (key: string) => string | undefined): string {
  if (!text.includes('${')) return text;
  const ESCAPED = '\u0000$_{';
  return resolve(text.replaceAll('\\${', ESCAPED), lookup, new Set(), 0).replaceAll(ESCAPED, '${');
}
