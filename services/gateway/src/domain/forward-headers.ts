import type { IncomingHttpHeaders } from 'node:http';

/**
 * Header lists are flat [name, value, name, value, …] arrays, as Node's rawHeaders, undici and
 * `writeHead` take them: the proxy never builds a header object per request.
 */
export type FlatHeaders = string[];

// RFC 9110 §7.6.1 hop-by-hop headers, never forwarded.
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);
/**
 * Set by the upstream client for the request it sends (its origin, the body it has read), or
 * answered by the gateway itself: `Expect: 100-continue` is the gateway's to answer (Node's
 * server does, before the body is read), never forwarded.
 */
const REQUEST_OWN = new Set(['host', 'content-length', 'expect']);

/** Identity headers only the gateway may set: whatever a client sends under these names is dropped. */
export const TRUSTED_PREFIX = 'x-phzzk-';

/** The extra names a Connection header lists as hop-by-hop (RFC 9110 §7.6.1), lower-cased. */
function connectionListed(value: string | string[] | undefined): Set<string> | undefined {
  if (!value) return undefined;
  let listed: Set<string> | undefined;
  for (const name of String(value).split(',')) {
    const n = name.trim().toLowerCase();
    // "keep-alive" and "close" (nearly every Connection header) name nothing beyond the fixed set.
    if (!n || HOP_BY_HOP.has(n) || n === 'close') continue;
    listed ??= new Set();
    listed.add(n);
  }
  return listed;
}

export interface ForwardContext {
  clientIp: string;
  requestId: string;
  host: string;
  proto: string;
  /** The signed identity (x-phzzk-* names and values, see identityFlat), appended as it is. */
  identity: FlatHeaders;
}

/** Forwarding headers a client may send but only the gateway sets. */
const GATEWAY_SET = new Set([
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-request-id',
  'x-real-ip',
  'forwarded',
]);

/** RFC 7239 node: an IPv6 address is bracketed and quoted. */
function forwardedFor(ip: string): string {
  return ip.includes(':') ? `"[${ip}]"` : ip;
}

/**
 * What goes upstream: the client's end-to-end headers (minus hop-by-hop ones, anything claiming
 * gateway-set identity, and every forwarding header: the gateway is the edge, so what a client
 * says about addresses is never passed on), then the gateway's forwarding headers and the signed
 * identity. The request as Node parsed it: `rawHeaders` in order, `headers.connection` with every
 * Connection header joined.
 */
export function upstreamRequestHeaders(
  request: { rawHeaders: readonly string[]; headers: IncomingHttpHeaders },
  context: ForwardContext,
): FlatHeaders {
  const { rawHeaders } = request;
  const out: FlatHeaders = [];
  const listed = connectionListed(request.headers.connection);
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase();
    if (HOP_BY_HOP.has(name) || REQUEST_OWN.has(name) || listed?.has(name) || name.startsWith(TRUSTED_PREFIX)) continue;
    if (GATEWAY_SET.has(name)) continue;
    out.push(name, rawHeaders[i + 1]!);
  }
  const ip = context.clientIp;
  out.push(
    'x-forwarded-for',
    ip,
    'x-real-ip',
    ip,
    'forwarded',
    `for=${forwardedFor(ip)};proto=${context.proto}`,
    'x-forwarded-host',
    context.host,
    'x-forwarded-proto',
    context.proto,
    'x-request-id',
    context.requestId,
  );
  for (let i = 0; i < context.identity.length; i++) out.push(context.identity[i]!);
  return out;
}

/**
 * What goes back to the client: the gateway's own headers (request id, security, CORS) unless the
 * service set the same one, then the service's end-to-end headers. Content-Length stays: the body
 * is relayed as it is, so the client gets it framed by length rather than chunked.
 */
export function clientResponseHeaders(upstream: IncomingHttpHeaders, own: FlatHeaders): FlatHeaders {
  const out: FlatHeaders = [];
  for (let i = 0; i < own.length; i += 2) if (upstream[own[i]!] === undefined) out.push(own[i]!, own[i + 1]!);
  const listed = connectionListed(upstream.connection);
  for (const name in upstream) {
    const value = upstream[name];
    if (value === undefined || HOP_BY_HOP.has(name) || listed?.has(name)) continue;
    if (Array.isArray(value)) for (const v of value) out.push(name, v);
    else out.push(name, value);
  }
  return out;
}

function hasName(headers: FlatHeaders, name: string): boolean {
  for (let i = 0; i < headers.length; i += 2) if (headers[i] === name) return true;
  return false;
}

/**
 * The same rule for the fast lane, which reads a service's head as a flat list with lower-cased
 * names. Framing is the relay's: Content-Length stays only when the body is relayed by length
 * (or has none, as for HEAD and 304), Transfer-Encoding never (it is hop-by-hop).
 */
export function clientHeadersFromFlat(upstream: FlatHeaders, own: FlatHeaders, keepLength: boolean): FlatHeaders {
  const out: FlatHeaders = [];
  let connection: string | undefined;
  for (let i = 0; i < upstream.length; i += 2) {
    if (upstream[i] === 'connection') connection = connection ? `${connection},${upstream[i + 1]}` : upstream[i + 1];
  }
  for (let i = 0; i < own.length; i += 2) if (!hasName(upstream, own[i]!)) out.push(own[i]!, own[i + 1]!);
  const listed = connectionListed(connection);
  for (let i = 0; i < upstream.length; i += 2) {
    const name = upstream[i]!;
    if (HOP_BY_HOP.has(name) || listed?.has(name) || (name === 'content-length' && !keepLength)) continue;
    out.push(name, upstream[i + 1]!);
  }
  return out;
}
