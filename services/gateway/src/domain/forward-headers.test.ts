import { describe, expect, it } from 'vitest';
import { clientResponseHeaders, upstreamRequestHeaders } from './forward-headers.ts';

const context = {
  clientIp: '10.0.0.9',
  requestId: 'req-1',
  host: 'phzzk.example',
  proto: 'http',
  identity: ['x-phzzk-user-id', 'u1', 'x-phzzk-signature', 'v1.1.sig'],
};

/** The request as Node hands it over: raw headers, and every Connection header joined. */
function asRequest(rawHeaders: string[]) {
  const connection = pairs(rawHeaders)
    .filter(([name]) => name.toLowerCase() === 'connection')
    .map(([, value]) => value);
  return { rawHeaders, headers: connection.length > 0 ? { connection: connection.join(', ') } : {} };
}

function pairs(flat: string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i]!, flat[i + 1]!]);
  return out;
}

describe('upstreamRequestHeaders', () => {
  it('drops hop-by-hop, Connection-listed and forged identity headers, and adds the forwarding ones', () => {
    const raw = [
      'Host', 'phzzk.example',
      'Connection', 'keep-alive, X-Trace-Hop',
      'X-Trace-Hop', 'secret',
      'Keep-Alive', 'timeout=5',
      'Content-Length', '12',
      'Transfer-Encoding', 'chunked',
      'X-PHZZK-User-Id', 'forged',
      'x-phzzk-roles', 'admin',
      'Accept', 'application/json',
      'Cookie', 'a=1',
      'Cookie', 'b=2',
      'X-Request-Id', 'client-chosen',
    ]; // biome-ignore format: header pairs read best one per line
    const out = pairs(upstreamRequestHeaders(asRequest(raw), context));
    expect(out).toEqual([
      ['accept', 'application/json'],
      ['cookie', 'a=1'],
      ['cookie', 'b=2'],
      ['x-forwarded-for', '10.0.0.9'],
      ['x-real-ip', '10.0.0.9'],
      ['forwarded', 'for=10.0.0.9;proto=http'],
      ['x-forwarded-host', 'phzzk.example'],
      ['x-forwarded-proto', 'http'],
      ['x-request-id', 'req-1'],
      ['x-phzzk-user-id', 'u1'],
      ['x-phzzk-signature', 'v1.1.sig'],
    ]);
  });

  it('drops every forwarding header a client sends and sets its own (the gateway is the edge)', () => {
    const raw = [
      'X-Forwarded-For', '1.1.1.1',
      'x-forwarded-for', '2.2.2.2',
      'X-Forwarded-Host', 'evil.example',
      'X-Forwarded-Proto', 'https',
      'X-Real-IP', '3.3.3.3',
      'Forwarded', 'for=4.4.4.4',
    ]; // biome-ignore format: header pairs read best one per line
    const out = pairs(upstreamRequestHeaders(asRequest(raw), { ...context, clientIp: '::1', identity: [] }));
    expect(out).toEqual([
      ['x-forwarded-for', '::1'],
      ['x-real-ip', '::1'],
      ['forwarded', 'for="[::1]";proto=http'],
      ['x-forwarded-host', 'phzzk.example'],
      ['x-forwarded-proto', 'http'],
      ['x-request-id', 'req-1'],
    ]);
  });
});

describe('clientResponseHeaders', () => {
  it("keeps the gateway's own headers unless the service set them, and relays end-to-end ones", () => {
    const own = ['x-request-id', 'req-1', 'x-frame-options', 'SAMEORIGIN', 'x-content-type-options', 'nosniff'];
    const upstream = {
      'content-type': 'text/plain',
      'content-length': '5',
      connection: 'keep-alive, x-internal',
      'keep-alive': 'timeout=5',
      'x-internal': 'hop',
      'transfer-encoding': 'chunked',
      'x-frame-options': 'DENY',
      'set-cookie': ['a=1', 'b=2'],
    };
    expect(pairs(clientResponseHeaders(upstream, own))).toEqual([
      ['x-request-id', 'req-1'],
      ['x-content-type-options', 'nosniff'],
      ['content-type', 'text/plain'],
      ['content-length', '5'],
      ['x-frame-options', 'DENY'],
      ['set-cookie', 'a=1'],
      ['set-cookie', 'b=2'],
    ]);
  });
});
