import type { PropertyValue } from './types.ts';

// Spring renders `.properties` as `key: value` lines sorted by key. Plain values come out exactly
// like that; what java.util.Properties#load would misread is escaped as Properties#store does
// (backslashes, line breaks and other control characters, separators and spaces in keys, leading
// blanks in values, a leading # or ! in keys), so the file reads back to the same values.

function escapeChar(c: string): string {
  switch (c) {
    case '\\':
      return '\\\\';
    case '\t':
      return '\\t';
    case '\n':
      return '\\n';
    case '\r':
      return '\\r';
    case '\f':
      return '\\f';
    default: {
      const code = c.charCodeAt(0);
      return code < 0x20 || code === 0x7f ? `\\u${code.toString(16).padStart(4, '0')}` : c;
    }
  }
}

export function escapeKey(key: string): string {
  let out = '';
  for (let i = 0; i < key.length; i++) {
    const c = key[i] as string;
    if (c === ' ' || c === '=' || c === ':' || ((c === '#' || c === '!') && i === 0)) out += `\\${c}`;
    else out += escapeChar(c);
  }
  return out;
}

export function escapeValue(value: string): string {
  let out = '';
  let leading = true;
  for (const c of value) {
    if (leading && (c === ' ' || c === '\t' || c === '\f')) {
      out += c === ' ' ? '\\ ' : escapeChar(c);
      continue;
    }
    leading = false;
    out += escapeChar(c);
  }
  return out;
}

export function renderProperties(props: Map<string, PropertyValue>): string {
  return [...props].map(([k, v]) => `${escapeKey(k)}: ${escapeValue(String(v))}`).join('\n');
}
