import type { ChannelDirectory, ChannelInfo } from '../domain/ports.ts';
import { type ServiceClient, TtlCache } from './service-client.ts';

/**
 * The channel service's answers, cached: a channel's existence and owner (a channel never changes
 * owner; an unknown id is remembered briefly, so a channel created a moment ago is found soon) and
 * follow dates for followers-only mode.
 */
export class ChannelDirectoryClient implements ChannelDirectory {
  private readonly client: ServiceClient;
  private readonly ttl: () => { channelMs: number; unknownMs: number; followMs: number };
  private readonly channels = new TtlCache<ChannelInfo | undefined>();
  private readonly follows = new TtlCache<number | null>();

  constructor(client: ServiceClient, ttl: () => { channelMs: number; unknownMs: number; followMs: number }) {
    this.client = client;
    this.ttl = ttl;
  }

  channel(channelId: string): Promise<ChannelInfo | undefined> {
    return this.channels.get(
      channelId,
      (v) => (v ? this.ttl().channelMs : this.ttl().unknownMs),
      async () => {
        const body = await this.client.get<{ id: string; ownerId: string }>(`/api/channels/${channelId}`);
        return body ? { id: body.id, ownerId: body.ownerId } : undefined;
      },
    );
  }

  followedSince(channelId: string, userId: string): Promise<number | null> {
    return this.follows.get(
      `${channelId}/${userId}`,
      () => this.ttl().followMs,
      async () => {
        const body = await this.client.get<{ since: string | null }>(
          `/internal/channels/${channelId}/follows/${userId}`,
        );
        return body?.since ? Date.parse(body.since) : null;
      },
    );
  }
}
