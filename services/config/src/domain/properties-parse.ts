import { emptySource, type Source } from './types.ts';

// java.util.Properties#load rules: `key=value`, `key: value` or `key value`; `#`/`!` comments;
// a trailing backslash continues the line; \t \n \r \f \uXXXX escapes; other `\x` is `x`.

function logicalLines(text: string): string[] {
  const lines = text.split(/\r\n|\r|\n/);
  const out: string[] = [];
  let pending: string | null = null;
  for (const physical of lines) {
    const line = physical.replace(/^[ \t\f]+/, '');
    if (pending === null && (line === '' || line.startsWith('#') || line.startsWith('!'))) continue;
    const trailing = /\\+$/.exec(line)?.[0].length ?? 0;
    if (trailing % 2 === 1) {
      pending = (pending ?? '') + line.slice(0, -1);
      continue;
    }
    out.push((pending ?? '') + line);
    pending = null;
  }
  if (pending !== null) out.push(pending);
  return out;
}

function unescapeJava(text: string): string {
  return text.replace(/\\(u[0-9a-fA-F]{4}|.)/gs, (_m, esc: string) => {
    if (esc.length === 5) return String.fromCharCode(Number.parseInt(esc.slice(1), 16));
    return esc === 't' ? '\t' : esc === 'n' ? '\n' : esc === 'r' ? '\r' : esc === 'f' ? '\f' : esc;
  });
}

export function parseProperties(text: string): Source {
  const out = emptySource();
  for (const line of logicalLines(text.replace(/^\uFEFF/, ''))) {
    let i = 0;
    while (i < line.length) {
      const c = line[i];
      if (c === '\\') {
        i += 2;
        continue;
      }
      if (c === '=' || c === ':' || c === ' ' || c === '\t' || c === '\f') break;
      i++;
    }
    const key = line.slice(0, i);
    let rest = line.slice(i).replace(/^[ \t\f]*/, '');
    if (rest.startsWith('=') || rest.startsWith(':')) rest = rest.slice(1).replace(/^[ \t\f]*/, '');
    out[unescapeJava(key)] = unescapeJava(rest);
  }
  return out;
}
