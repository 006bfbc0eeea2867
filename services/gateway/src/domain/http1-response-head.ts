import { fieldColon, fieldValue } from './http1-field.ts';
import { announcedTimeoutS } from './keep-alive.ts';

/**
 * Reads an upstream service's HTTP/1.x response head for the fast lane's relay, and decides how
 * its body is framed (RFC 9112 §6.3). Anything malformed is `invalid`: the relay then treats the
 * instance's answer as a failed attempt (502), never relays a guess.
 */
export type BodyFraming = 'none' | 'length' | 'chunked' | 'close';

export type ResponseHead =
  | { kind: 'incomplete' }
  | { kind: 'invalid'; reason: string }
  | {
      kind: 'head';
      status: number;
      reason: string;
      /** [name, value, …] with lower-cased names, as received */
      headers: string[];
      framing: BodyFraming;
      /** body bytes when framing is `length` */
      contentLength: number;
      /** the connection cannot carry another request after this answer */
      close: boolean;
      /** the service's idle timeout for this connection (`Keep-Alive: timeout=N`), in seconds */
      keepAliveTimeoutS: number | undefined;
      /** bytes of the head, final CRLFCRLF included */
      length: number;
    };

export const MAX_RESPONSE_HEAD = 64 * 1024;

const HEAD_END = Buffer.from('\r\n\r\n');
const STATUS_LINE = /^HTTP\/1\.([01]) ([1-5]\d\d)(?: ([\t\x20-\x7e\x80-\xff]*))?$/;
const DIGITS = /^\d{1,15}$/;

const INCOMPLETE: ResponseHead = { kind: 'incomplete' };

/** Services send the same few names in their own case (`Content-Type`): each is lower-cased once. */
const lowerCased = new Map<string, string>();
function lowerCaseName(name: string): string {
  let lower = lowerCased.get(name);
  if (lower === undefined) {
    lower = name.toLowerCase();
    if (lowerCased.size < 512) lowerCased.set(name, lower);
  }
  return lower;
}

function invalid(reason: string): ResponseHead {
  return { kind: 'invalid', reason };
}

/** `headRequest`: the answer to a HEAD request has no body whatever its headers say. */
export function readResponseHead(buffer: Buffer, headRequest: boolean): ResponseHead {
  const end = buffer.indexOf(HEAD_END);
  if (end < 0) return buffer.length > MAX_RESPONSE_HEAD ? invalid('response head too large') : INCOMPLETE;
  if (end + 4 > MAX_RESPONSE_HEAD) return invalid('response head too large');
  const lines = buffer.toString('latin1', 0, end).split('\r\n');
  const statusLine = STATUS_LINE.exec(lines[0]!);
  if (!statusLine) return invalid('malformed status line');
  const http10 = statusLine[1] === '0';
  const status = Number(statusLine[2]);
  const headers: string[] = [];
  let contentLength: number | undefined;
  let transferEncoding: string | undefined;
  let keepAlive = !http10;
  let keepAliveTimeoutS: number | undefined;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const colon = fieldColon(line);
    const value = colon === -1 ? undefined : fieldValue(line, colon);
    if (value === undefined) return invalid('malformed header field');
    const name = lowerCaseName(line.slice(0, colon));
    if (name === 'content-length') {
      // Repeated or listed lengths must all agree (RFC 9110 §8.6).
      for (const part of value.includes(',') ? value.split(',') : [value]) {
        const v = part.trim();
        if (!DIGITS.test(v)) return invalid('malformed content-length');
        if (contentLength !== undefined && contentLength !== Number(v)) return invalid('conflicting content-length');
        contentLength = Number(v);
      }
    } else if (name === 'transfer-encoding') {
      transferEncoding = transferEncoding === undefined ? value : `${transferEncoding}, ${value}`;
    } else if (name === 'connection') {
      for (const token of value === 'keep-alive' ? [value] : value.toLowerCase().split(',')) {
        const t = token.trim();
        if (t === 'close') keepAlive = false;
        else if (t === 'keep-alive' && http10) keepAlive = true;
      }
    } else if (name === 'keep-alive') {
      keepAliveTimeoutS = announcedTimeoutS(value) ?? keepAliveTimeoutS;
    }
    headers.push(name, value);
  }
  let framing: BodyFraming;
  if (headRequest || status < 200 || status === 204 || status === 304) framing = 'none';
  else if (transferEncoding !== undefined) {
    const codings = transferEncoding.toLowerCase().split(',');
    // Chunked must be last; any other final coding leaves the body delimited by the close.
    framing = codings[codings.length - 1]!.trim() === 'chunked' ? 'chunked' : 'close';
  } else if (contentLength !== undefined) framing = 'length';
  else framing = 'close';
  return {
    kind: 'head',
    status,
    reason: statusLine[3] ?? '',
    headers,
    framing,
    contentLength: framing === 'length' ? contentLength! : 0,
    close: !keepAlive || framing === 'close',
    keepAliveTimeoutS,
    length: end + 4,
  };
}
