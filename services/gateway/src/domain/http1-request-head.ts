import { fieldColon, fieldValue } from './http1-field.ts';

/**
 * A strict reader of the HTTP/1.1 request heads the gateway's fast lane serves itself: GET and
 * HEAD in origin form, without a body, upgrade or expectation. Whatever falls outside that subset
 * (or is malformed in any way) is `unsupported`: the connection then goes to Node's HTTP server,
 * which serves or refuses it in full. Being strict costs nothing, so the fast lane never has to
 * guess about framing (no request smuggling through it).
 */
export type RequestHead =
  | { kind: 'incomplete' }
  | { kind: 'unsupported' }
  | {
      kind: 'request';
      method: 'GET' | 'HEAD';
      /** origin-form: starts with `/` */
      target: string;
      /** [name, value, …] as received (names in their own case), like Node's rawHeaders */
      rawHeaders: string[];
      /** lower-cased names; repeated fields joined with `, ` */
      headers: Record<string, string>;
      /** bytes of the head, final CRLFCRLF included */
      length: number;
      /** the client asked to close the connection after this answer */
      close: boolean;
    };

/** Longer heads go to Node's server, which answers 431. */
export const MAX_REQUEST_HEAD = 16 * 1024;

const HEAD_END = Buffer.from('\r\n\r\n');
const REQUEST_LINE = /^(GET|HEAD) (\/[\x21-\x7e]*) HTTP\/1\.1$/;
/** Fields that change framing or protocol, or that Node treats specially: the full server handles these. */
const FULL_SERVER_ONLY = new Set(['content-length', 'transfer-encoding', 'upgrade', 'expect', 'http2-settings']);
/** Fields that must not repeat. */
const SINGLE = new Set(['host', 'authorization']);

const INCOMPLETE: RequestHead = { kind: 'incomplete' };
const UNSUPPORTED: RequestHead = { kind: 'unsupported' };

/** A LF not preceded by CR: a head with one never ends in CRLFCRLF, Node's parser must refuse it. */
function hasBareLf(buffer: Buffer): boolean {
  for (let at = buffer.indexOf(0x0a); at !== -1; at = buffer.indexOf(0x0a, at + 1)) {
    if (at === 0 || buffer[at - 1] !== 0x0d) return true;
  }
  return false;
}

export function readRequestHead(buffer: Buffer): RequestHead {
  const end = buffer.indexOf(HEAD_END);
  if (end < 0 || end + 4 > MAX_REQUEST_HEAD)
    return buffer.length > MAX_REQUEST_HEAD || end >= 0 || hasBareLf(buffer) ? UNSUPPORTED : INCOMPLETE;
  const lines = buffer.toString('latin1', 0, end).split('\r\n');
  const requestLine = REQUEST_LINE.exec(lines[0]!);
  if (!requestLine) return UNSUPPORTED;
  const rawHeaders: string[] = [];
  const headers: Record<string, string> = {};
  for (let i = 1; i < lines.length; i++) {
    // A bare CR or LF, obs-fold, a control character or a bad name: not for the fast lane.
    const line = lines[i]!;
    const colon = fieldColon(line);
    const value = colon === -1 ? undefined : fieldValue(line, colon);
    if (value === undefined) return UNSUPPORTED;
    const name = line.slice(0, colon);
    const lower = name.toLowerCase();
    if (FULL_SERVER_ONLY.has(lower)) return UNSUPPORTED;
    const seen = headers[lower];
    if (seen !== undefined) {
      if (SINGLE.has(lower)) return UNSUPPORTED;
      headers[lower] = `${seen}, ${value}`;
    } else {
      headers[lower] = value;
    }
    rawHeaders.push(name, value);
  }
  if (headers.host === undefined) return UNSUPPORTED;
  let close = false;
  const connection = headers.connection;
  if (connection !== undefined) {
    for (const token of connection.toLowerCase().split(',')) {
      const t = token.trim();
      if (t === 'upgrade') return UNSUPPORTED;
      if (t === 'close') close = true;
    }
  }
  return {
    kind: 'request',
    method: requestLine[1] as 'GET' | 'HEAD',
    target: requestLine[2]!,
    rawHeaders,
    headers,
    length: end + 4,
    close,
  };
}
