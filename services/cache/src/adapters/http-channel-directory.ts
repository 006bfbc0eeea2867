import { type DiscoveryClient, instanceUrl } from '@phzzk/kit';
import type { ChannelDirectory } from '../domain/ports.ts';

export interface HttpChannelDirectoryOptions {
  discovery: DiscoveryClient;
  /** This service's signed credential for a call to another service. */
  credential: (method: string, path: string) => Record<string, string>;
  /** Budget for one question, every instance tried included. */
  timeoutMs: () => number;
}

/**
 * Whether a channel exists, from `GET /api/channels/{id}` of the channel service found through
 * discovery: 200 yes, 404 no; an instance that fails or answers otherwise is skipped for the
 * next; undefined when none answered.
 */
export class HttpChannelDirectory implements ChannelDirectory {
  private readonly options: HttpChannelDirectoryOptions;
  private turn = 0;

  constructor(options: HttpChannelDirectoryOptions) {
    this.options = options;
  }

  async exists(channelId: string): Promise<boolean | undefined> {
    const instances = this.options.discovery.instances('channel');
    const path = `/api/channels/${channelId}`;
    const signal = AbortSignal.timeout(this.options.timeoutMs());
    const first = this.turn++;
    for (let i = 0; i < instances.length && !signal.aborted; i++) {
      const instance = instances[(first + i) % instances.length]!;
      try {
        const response = await fetch(`${instanceUrl(instance)}${path}`, {
          headers: this.options.credential('GET', path),
          signal,
        });
        await response.body?.cancel();
        if (response.status === 200) return true;
        if (response.status === 404) return false;
      } catch {
        // Unreachable or too slow: the next instance, within the same budget.
      }
    }
    return undefined;
  }
}
