import { mkdtempSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigServerClient } from './config-server-client.ts';

// The kit's config client sends HTTP Basic credentials from its URI (or settings) and never
// shows the password in what it reports.

const PASSWORD = 'config-client-password';
const seen: IncomingHttpHeaders[] = [];
const server = createServer((req, res) => {
  seen.push(req.headers);
  if (req.headers.authorization !== `Basic ${btoa(`phzzk:${PASSWORD}`)}`) {
    res.statusCode = 401;
    return res.end();
  }
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ name: 'a', profiles: ['dev'], label: null, version: 'v1', propertySources: [] }));
});
let base = '';
beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  base = `127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(() => new Promise((r) => server.close(r)));

const cacheDir = mkdtempSync(join(tmpdir(), 'phzzk-config-client-'));
const client = (uri: string, extra: { username?: string; password?: string } = {}) =>
  new ConfigServerClient({ uri, application: 'a', profile: 'dev', cacheDir, ...extra });

describe('ConfigServerClient credentials', () => {
  it('sends Basic credentials from the URI, and keeps them out of its URL', async () => {
    const c = client(`http://phzzk:${PASSWORD}@${base}/`);
    expect(c.url).toBe(`http://${base}/a/dev`);
    expect((await c.fetch()).version).toBe('v1');
  });

  it('sends them from settings', async () => {
    expect((await client(`http://${base}`, { username: 'phzzk', password: PASSWORD }).fetch()).version).toBe('v1');
  });

  it('reports a refusal without the password', async () => {
    const error = await client(`http://phzzk:wrong-${PASSWORD}@${base}`)
      .fetch()
      .catch((e: Error) => e);
    expect(String(error)).toMatch(/answered 401/);
    expect(String(error)).not.toContain(PASSWORD);
    await expect(client(`http://${base}`).fetch()).rejects.toThrow(/401/);
    expect(seen.at(-1)?.authorization).toBeUndefined();
  });
});
