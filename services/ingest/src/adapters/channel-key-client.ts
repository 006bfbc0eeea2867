import { type DiscoveryClient, instanceUrl } from '@phzzk/kit';
import type { KeyCheck, StreamKeyAuthority } from '../domain/ports.ts';

export interface ChannelKeyClientOptions {
  discovery: DiscoveryClient;
  /** Budget for the whole check, every instance tried included. */
  timeoutMs: () => number;
  /** This service's signed credential for a call to another service's /internal (ctx.trust.internalHeaders). */
  credential: (method: string, path: string) => Record<string, string>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * `POST /internal/stream-keys/authorize` on the channel service, found through discovery. An
 * instance that cannot be reached (or answers 5xx) is skipped for the next one; when none gives
 * an answer within the budget the key is "unavailable", never "ok".
 */
export class ChannelKeyClient implements StreamKeyAuthority {
  private readonly options: ChannelKeyClientOptions;
  private next = 0;

  constructor(options: ChannelKeyClientOptions) {
    this.options = options;
  }

  async authorize(streamKey: string, signal: AbortSignal): Promise<KeyCheck> {
    const instances = this.options.discovery.instances('channel');
    if (instances.length === 0) return { kind: 'unavailable', detail: 'no channel instance in discovery' };
    const deadline = AbortSignal.any([signal, AbortSignal.timeout(this.options.timeoutMs())]);
    const start = this.next++ % instances.length;
    const failures: string[] = [];
    for (let i = 0; i < instances.length; i++) {
      const instance = instances[(start + i) % instances.length]!;
      const path = '/internal/stream-keys/authorize';
      const url = `${instanceUrl(instance)}${path}`;
      let response: Response;
      try {
        response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...this.options.credential('POST', path) },
          body: JSON.stringify({ streamKey }),
          signal: deadline,
        });
      } catch (error) {
        failures.push(`${instance.instanceId}: ${(error as Error).message}`);
        if (deadline.aborted) break;
        continue;
      }
      const body = (await response.json().catch(() => undefined)) as Record<string, unknown> | undefined;
      if (response.status === 200 && typeof body?.channelId === 'string' && UUID.test(body.channelId)) {
        return { kind: 'ok', channelId: body.channelId };
      }
      if (response.status === 404 && body?.code === 'STREAM_KEY_UNKNOWN') return { kind: 'unknown' };
      failures.push(`${instance.instanceId}: HTTP ${response.status} ${String(body?.code ?? '')}`.trim());
      // A 4xx is that service's considered answer about our request: another instance says the same.
      if (response.status < 500) break;
    }
    return { kind: 'unavailable', detail: failures.join('; ') };
  }
}
