/**
 * The one decision about a request path that every allow/deny check is made on: the gateway's
 * route match and `/internal` refusal, its discovery locator, and every service's own routing and
 * internal guard. A path is accepted only when decoding it once gives the same path a normalizer
 * would give, so that a proxy and a router can never disagree about where a request goes:
 * encoded `/` or `\`, `.`/`..` segments (plain or encoded), empty segments, control bytes
 * (`%00`), a second layer of encoding (`%25`) and invalid UTF-8 are refused (400).
 */
export type PathDecision =
  | {
      ok: true;
      /** the decoded path (what the service routes on), without the query */
      path: string;
      /** the path as received, without the query */
      rawPath: string;
      /** `?…` as received, or '' */
      query: string;
    }
  | { ok: false; reason: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });

function refused(reason: string): PathDecision {
  return { ok: false, reason };
}

/** A `%XX` value, or -1. */
function hexByte(target: string, at: number): number {
  const hex = target.slice(at + 1, at + 3);
  return /^[0-9A-Fa-f]{2}$/.test(hex) ? Number.parseInt(hex, 16) : -1;
}

/** Decides a request target (origin form, `/path?query`) once; see the module comment. */
export function decidePath(target: string): PathDecision {
  if (target.charCodeAt(0) !== 0x2f) return refused('the request target must be an absolute path');
  const q = target.indexOf('?');
  const rawPath = q === -1 ? target : target.slice(0, q);
  const query = q === -1 ? '' : target.slice(q);
  let percent = false;
  for (let i = 0; i < rawPath.length; i++) {
    const c = rawPath.charCodeAt(i);
    if (c <= 0x20 || c >= 0x7f || c === 0x5c || c === 0x23) return refused('the path holds a character never sent raw');
    if (c === 0x25) percent = true;
    else if (c === 0x2f && i > 0 && rawPath.charCodeAt(i - 1) === 0x2f) return refused('the path has an empty segment');
  }
  let path = rawPath;
  if (percent) {
    const bytes: number[] = [];
    for (let i = 0; i < rawPath.length; i++) {
      const c = rawPath.charCodeAt(i);
      if (c !== 0x25) {
        bytes.push(c);
        continue;
      }
      const b = hexByte(rawPath, i);
      if (b < 0) return refused('the path has a malformed percent-encoding');
      // An encoded separator, control byte or percent sign decodes to a different path than it routes as.
      if (b === 0x2f || b === 0x5c || b === 0x25 || b < 0x20 || b === 0x7f) {
        return refused('the path encodes a separator, a control byte or a percent sign');
      }
      bytes.push(b);
      i += 2;
    }
    try {
      path = utf8.decode(Uint8Array.from(bytes));
    } catch {
      return refused('the path is not valid UTF-8 once decoded');
    }
  }
  // Dot segments, plain or encoded: a normalizer would remove them, a router would not.
  if (path.includes('/.')) {
    for (const segment of path.split('/')) {
      if (segment === '.' || segment === '..') return refused('the path has a dot segment');
    }
  }
  return { ok: true, path, rawPath, query };
}

/** Service-to-service endpoints: never reachable from outside, whatever case or encoding. */
export function isInternalPath(decodedPath: string): boolean {
  // `;` too: some routers read `/internal;x/` as `/internal/` (path parameters).
  return /^\/internal([/;]|$)/i.test(decodedPath);
}
