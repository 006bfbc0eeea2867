import type { IncomingHttpHeaders } from 'node:http';

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
  'host',
  'content-length',
]);

/** Identity headers only the gateway may set: whatever a client sends under these names is dropped. */
export const TRUSTED_PREFIX = 'x-phzzk-';

function withoutHopByHop(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const listed = new Set(
    String(headers.connection ?? '')
      .split(',')
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean),
  );
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || listed.has(name)) continue;
    out[name] = value;
  }
  return out;
}

export function requestHeadersForUpstream(
  incoming: IncomingHttpHeaders,
  context: { clientIp: string; requestId: string; host: string; proto: string; trusted: Record<string, string> },
): Record<string, string | string[]> {
  const out = withoutHopByHop(incoming);
  for (const name of Object.keys(out)) if (name.startsWith(TRUSTED_PREFIX)) delete out[name];
  const prior = incoming['x-forwarded-for'];
  out['x-forwarded-for'] = prior ? `${prior}, ${context.clientIp}` : context.clientIp;
  out['x-forwarded-host'] = context.host;
  out['x-forwarded-proto'] = context.proto;
  out['x-request-id'] = context.requestId;
  for (const [name, value] of Object.entries(context.trusted)) out[`${TRUSTED_PREFIX}${name}`] = value;
  return out;
}

export function responseHeadersForClient(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  return withoutHopByHop(headers);
}
