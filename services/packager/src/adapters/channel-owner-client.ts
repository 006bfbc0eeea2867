import { type Database, type DiscoveryClient, instanceUrl } from '@phzzk/kit';
import { ownerUnknown } from '../domain/errors.ts';
import type { ChannelOwners } from '../domain/ports.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface ChannelInfo {
  ownerId: string;
  title: string;
}

/**
 * The owner of a channel, from the channel service (`GET /api/channels/{id}`, found through
 * discovery). An owner never changes, so the answer is kept in the `channels` table and asked once.
 */
export class ChannelOwnerClient implements ChannelOwners {
  private readonly db: Database;
  private readonly discovery: DiscoveryClient;
  private readonly timeoutMs: () => number;
  private next = 0;

  constructor(options: { db: Database; discovery: DiscoveryClient; timeoutMs: () => number }) {
    this.db = options.db;
    this.discovery = options.discovery;
    this.timeoutMs = options.timeoutMs;
  }

  async ownerOf(channelId: string): Promise<string | undefined> {
    const { rows } = await this.db.query<{ owner_id: string | null }>(
      'select owner_id from channels where channel_id = $1',
      [channelId],
    );
    if (rows[0]?.owner_id) return rows[0].owner_id;
    const info = await this.fetch(channelId);
    if (info === 'unknown') return undefined;
    await this.remember(channelId, info);
    return info.ownerId;
  }

  /** Best effort (a new VOD's title): undefined when the channel service does not answer. */
  async info(channelId: string): Promise<ChannelInfo | undefined> {
    try {
      const info = await this.fetch(channelId);
      if (info === 'unknown') return undefined;
      await this.remember(channelId, info);
      return info;
    } catch {
      return undefined;
    }
  }

  private async remember(channelId: string, info: ChannelInfo): Promise<void> {
    await this.db.query(
      `insert into channels (channel_id, owner_id, title) values ($1, $2, $3)
       on conflict (channel_id) do update set owner_id = excluded.owner_id,
         title = coalesce(channels.title, excluded.title), updated_at = now()`,
      [channelId, info.ownerId, info.title],
    );
  }

  private async fetch(channelId: string): Promise<ChannelInfo | 'unknown'> {
    const instances = this.discovery.instances('channel');
    if (instances.length === 0) throw ownerUnknown();
    const deadline = AbortSignal.timeout(this.timeoutMs());
    const start = this.next++ % instances.length;
    for (let i = 0; i < instances.length; i++) {
      const instance = instances[(start + i) % instances.length]!;
      let response: Response;
      try {
        response = await fetch(`${instanceUrl(instance)}/api/channels/${channelId}`, { signal: deadline });
      } catch {
        if (deadline.aborted) break;
        continue;
      }
      const body = (await response.json().catch(() => undefined)) as Record<string, unknown> | undefined;
      if (response.status === 200 && typeof body?.ownerId === 'string' && UUID.test(body.ownerId)) {
        return { ownerId: body.ownerId, title: typeof body.title === 'string' ? body.title : '' };
      }
      if (response.status === 404) return 'unknown';
      if (response.status < 500) break;
    }
    throw ownerUnknown();
  }
}
