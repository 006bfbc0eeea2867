import type { IncomingMessage, ServerResponse } from 'node:http';
import { FakePeer, replyJson } from '@phzzk/testing';

/**
 * A stand-in for the channel service's `POST /internal/stream-keys/authorize` (a peer, not
 * infrastructure): 200 {channelId} for a known key, 404 STREAM_KEY_UNKNOWN otherwise.
 */
export class FakeChannelService extends FakePeer {
  readonly keys = new Map<string, string>();
  calls = 0;

  static start(): Promise<FakeChannelService> {
    return new FakeChannelService().listen();
  }

  protected handle(req: IncomingMessage, res: ServerResponse): void {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      this.calls++;
      if (req.method !== 'POST' || req.url !== '/internal/stream-keys/authorize') {
        replyJson(res, 404, { code: 'ROUTE_NOT_FOUND' });
        return;
      }
      const { streamKey } = JSON.parse(body) as { streamKey: string };
      const channelId = this.keys.get(streamKey);
      if (channelId) replyJson(res, 200, { channelId });
      else
        replyJson(res, 404, { type: 'urn:phzzk:problem:stream-key-unknown', status: 404, code: 'STREAM_KEY_UNKNOWN' });
    });
  }
}
