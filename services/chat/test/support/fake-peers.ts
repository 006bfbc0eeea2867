import { createServer } from 'node:http';
import { type LocalServer, listenLocally } from '@phzzk/testing';

/**
 * Stand-ins for chat's peers (not infrastructure): the channel service's `GET /api/channels/{id}`
 * and `GET /internal/channels/{id}/follows/{userId}`, and the user service's `GET /api/users/{id}`.
 */
export class FakePeers {
  readonly channels = new Map<string, string>();
  readonly follows = new Map<string, Date>();
  readonly nicknames = new Map<string, string>();
  channelCalls = 0;
  down = false;
  private listening: LocalServer | undefined;

  static async start(): Promise<FakePeers> {
    const fake = new FakePeers();
    const server = createServer((req, res) => {
      const url = req.url ?? '/';
      const json = (status: number, body: unknown) =>
        res
          .writeHead(status, { 'content-type': status === 200 ? 'application/json' : 'application/problem+json' })
          .end(JSON.stringify(body));
      if (fake.down) return json(503, { code: 'UNAVAILABLE' });
      let m = /^\/api\/channels\/([0-9a-f-]{36})$/.exec(url);
      if (m) {
        fake.channelCalls++;
        const ownerId = fake.channels.get(m[1]!);
        return ownerId ? json(200, { id: m[1], ownerId }) : json(404, { code: 'CHANNEL_NOT_FOUND' });
      }
      m = /^\/internal\/channels\/([0-9a-f-]{36})\/follows\/([0-9a-f-]{36})$/.exec(url);
      if (m) {
        if (!fake.channels.has(m[1]!)) return json(404, { code: 'CHANNEL_NOT_FOUND' });
        const since = fake.follows.get(`${m[1]}/${m[2]}`);
        return json(200, {
          channelId: m[1],
          userId: m[2],
          following: since !== undefined,
          since: since?.toISOString() ?? null,
        });
      }
      m = /^\/api\/users\/([0-9a-f-]{36})$/.exec(url);
      if (m) {
        const nickname = fake.nicknames.get(m[1]!);
        return nickname ? json(200, { id: m[1], nickname }) : json(404, { code: 'USER_NOT_FOUND' });
      }
      json(404, { code: 'ROUTE_NOT_FOUND' });
    });
    fake.listening = await listenLocally(server);
    return fake;
  }

  get url(): string {
    return this.listening?.url ?? 'http://127.0.0.1:0';
  }

  async stop(): Promise<void> {
    await this.listening?.stop();
  }
}
