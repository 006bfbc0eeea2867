import type { IncomingMessage, ServerResponse } from 'node:http';
import { FakePeer, replyJson } from '@phzzk/testing';

/**
 * Stand-ins for chat's peers (not infrastructure): the channel service's `GET /api/channels/{id}`
 * and `GET /internal/channels/{id}/follows/{userId}`, and the user service's `GET /api/users/{id}`.
 */
export class FakePeers extends FakePeer {
  readonly channels = new Map<string, string>();
  readonly follows = new Map<string, Date>();
  readonly nicknames = new Map<string, string>();
  channelCalls = 0;
  down = false;

  static start(): Promise<FakePeers> {
    return new FakePeers().listen();
  }

  protected handle(req: IncomingMessage, res: ServerResponse) {
    const url = req.url ?? '/';
    const json = (status: number, body: unknown) => replyJson(res, status, body);
    if (this.down) return json(503, { code: 'UNAVAILABLE' });
    let m = /^\/api\/channels\/([0-9a-f-]{36})$/.exec(url);
    if (m) {
      this.channelCalls++;
      const ownerId = this.channels.get(m[1]!);
      return ownerId ? json(200, { id: m[1], ownerId }) : json(404, { code: 'CHANNEL_NOT_FOUND' });
    }
    m = /^\/internal\/channels\/([0-9a-f-]{36})\/follows\/([0-9a-f-]{36})$/.exec(url);
    if (m) {
      if (!this.channels.has(m[1]!)) return json(404, { code: 'CHANNEL_NOT_FOUND' });
      const since = this.follows.get(`${m[1]}/${m[2]}`);
      return json(200, {
        channelId: m[1],
        userId: m[2],
        following: since !== undefined,
        since: since?.toISOString() ?? null,
      });
    }
    m = /^\/api\/users\/([0-9a-f-]{36})$/.exec(url);
    if (m) {
      const nickname = this.nicknames.get(m[1]!);
      return nickname ? json(200, { id: m[1], nickname }) : json(404, { code: 'USER_NOT_FOUND' });
    }
    json(404, { code: 'ROUTE_NOT_FOUND' });
  }
}
