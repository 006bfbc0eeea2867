import { createServer } from 'node:http';
import { type LocalServer, listenLocally } from '@phzzk/testing';

/**
 * A stand-in for the channel service's `POST /internal/stream-keys/authorize` (a peer, not
 * infrastructure): 200 {channelId} for a known key, 404 STREAM_KEY_UNKNOWN otherwise.
 */
export class FakeChannelService {
  readonly keys = new Map<string, string>();
  calls = 0;
  private listening: LocalServer | undefined;

  static async start(): Promise<FakeChannelService> {
    const fake = new FakeChannelService();
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        fake.calls++;
        if (req.method !== 'POST' || req.url !== '/internal/stream-keys/authorize') {
          res.writeHead(404, { 'content-type': 'application/problem+json' }).end('{"code":"ROUTE_NOT_FOUND"}');
          return;
        }
        const { streamKey } = JSON.parse(body) as { streamKey: string };
        const channelId = fake.keys.get(streamKey);
        if (channelId) {
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ channelId }));
        } else {
          res
            .writeHead(404, { 'content-type': 'application/problem+json' })
            .end(
              JSON.stringify({ type: 'urn:phzzk:problem:stream-key-unknown', status: 404, code: 'STREAM_KEY_UNKNOWN' }),
            );
        }
      });
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
