import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { FakePeer, replyJson } from './fake-peer.ts';

class Echo extends FakePeer {
  protected handle(req: IncomingMessage, res: ServerResponse): void {
    if (req.url === '/ok') replyJson(res, 200, { ok: true });
    else replyJson(res, 404, { code: 'ROUTE_NOT_FOUND' });
  }
}

describe('FakePeer', () => {
  it('serves its handler on a free local port: JSON for 2xx, problem+json otherwise; stop() closes it', async () => {
    const peer = await new Echo().listen();
    expect(peer.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const ok = await fetch(`${peer.url}/ok`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe('application/json');
    expect(await ok.json()).toEqual({ ok: true });
    const missing = await fetch(`${peer.url}/nope`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toBe('application/problem+json');
    expect(await missing.json()).toEqual({ code: 'ROUTE_NOT_FOUND' });
    await peer.stop();
    await expect(fetch(`${peer.url}/ok`)).rejects.toThrow();
  });

  it('has no address before it listens', () => {
    expect(new Echo().url).toBe('http://127.0.0.1:0');
  });
});
