import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHAT_BEARER_SUBPROTOCOL_PREFIX, CHAT_SUBPROTOCOL, type StreamKeyResponse } from '@phzzk/contracts';
import { waitFor } from '@phzzk/testing';
import { describe, expect, it } from 'vitest';
import { usePlatform } from '../support/platform-hooks.ts';
import { publishTestPattern } from '../support/publisher.ts';
import { liveInfo } from '../support/streamer.ts';

type Tokens = { accessToken: string; refreshToken: string };

/** Every service log of the run, as one text (`$PHZZK_HOME/logs/*.log`). */
function allLogs(home: string): string {
  const dir = join(home, 'logs');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.log'))
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .join('\n');
}

/** Opens a chat connection with the browser's bearer subprotocol and waits for the first frame. */
function chatWithBearer(gatewayUrl: string, channelId: string, accessToken: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${gatewayUrl.replace('http', 'ws')}/ws/chat/${channelId}`, [
      CHAT_SUBPROTOCOL,
      `${CHAT_BEARER_SUBPROTOCOL_PREFIX}${accessToken}`,
    ]);
    const timer = setTimeout(() => reject(new Error('no chat frame in time')), 15_000);
    ws.addEventListener('message', (event) => {
      clearTimeout(timer);
      ws.close();
      resolve(String(event.data));
    });
    ws.addEventListener('error', () => {
      clearTimeout(timer);
      reject(new Error('chat upgrade failed'));
    });
  });
}

/**
 * The platform as `npm start` runs it, used as a user and a streamer would: sign up, log in with a
 * password, refresh, publish with the stream key, open chat with the bearer subprotocol. Then
 * every service's log is searched for the secrets involved. A redacted form (a prefix) is fine;
 * the full secret, or its end, is not.
 */
describe('no secret in the logs (system)', () => {
  const bed = usePlatform();

  it('logs no password, access token, refresh token or stream key', async () => {
    const gw = bed.platform.gateway;
    const nickname = `logs${randomBytes(4).toString('hex')}`;
    const email = `${nickname}@example.com`;
    const password = `Qz!${randomBytes(12).toString('base64url')}`;
    const signup = await gw.post<Tokens>('/api/auth/signup', { email, nickname, password });
    expect(signup.status).toBe(201);
    // A wrong password as well: failures are where credentials tend to end up in logs.
    expect((await gw.post('/api/auth/login', { email, password: `${password}x` })).status).toBe(401);
    const login = await gw.post<Tokens>('/api/auth/login', { email, password });
    expect(login.status).toBe(200);
    const refreshed = await gw.post<Tokens>('/api/auth/refresh', { refreshToken: login.body.refreshToken });
    expect(refreshed.status).toBe(200);
    const api = gw.withHeaders({ authorization: `Bearer ${refreshed.body.accessToken}` });
    const channelId = await waitFor(
      async () => {
        const res = await api.get<{ id: string }>('/api/channels/me');
        return res.status === 200 ? res.body.id : undefined;
      },
      { what: 'the channel', timeoutMs: 30_000, intervalMs: 100 },
    );
    const key = await api.get<StreamKeyResponse>('/api/channels/me/stream-key');
    expect(key.status).toBe(200);
    const streamKey = key.body.streamKey;

    const publisher = publishTestPattern(`${bed.platform.rtmpBase}/${streamKey}`, { seconds: 20, size: '640x360' });
    try {
      await waitFor(async () => (await liveInfo(gw, channelId)).live, {
        what: 'the channel to go live',
        timeoutMs: 60_000,
        intervalMs: 250,
      });
      const frame = await chatWithBearer(bed.platform.gatewayUrl, channelId, refreshed.body.accessToken);
      expect(frame).toContain('welcome');
    } finally {
      await publisher.stop('SIGINT');
    }
    // A stream key that is wrong, as a mistyped encoder setting would send it.
    const wrongKey = `${streamKey.slice(0, -4)}zzzz`;
    const refused = publishTestPattern(`${bed.platform.rtmpBase}/${wrongKey}`, { seconds: 2, size: '320x180' });
    await refused.exited;

    // The requests above have reached the logs (the gateway logs each one it answers).
    await waitFor(async () => /\/api\/auth\/refresh/.test(allLogs(bed.platform.home)), {
      what: 'the refresh request in the logs',
      timeoutMs: 15_000,
      intervalMs: 200,
    });
    const logs = allLogs(bed.platform.home);
    expect(logs.length).toBeGreaterThan(1000);
    const secrets: Record<string, string> = {
      password,
      'access token (signup)': signup.body.accessToken,
      'access token (login)': login.body.accessToken,
      'access token (refreshed)': refreshed.body.accessToken,
      'refresh token (signup)': signup.body.refreshToken,
      'refresh token (login)': login.body.refreshToken,
      'refresh token (refreshed)': refreshed.body.refreshToken,
      'stream key': streamKey,
      'wrong stream key': wrongKey,
    };
    for (const [what, secret] of Object.entries(secrets)) {
      expect(logs.includes(secret), `${what} in the logs`).toBe(false);
      // Its end either: a redacted form keeps a prefix at most. For a JWT the end is the signature.
      expect(logs.includes(secret.slice(-16)), `the end of the ${what} in the logs`).toBe(false);
    }
  }, 240_000);
});
