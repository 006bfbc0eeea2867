import type { Channel } from '@phzzk/contracts';
import type { ChannelView } from '../domain/channels.ts';

/** A channel as the HTTP API shows it. */
export function presentChannel({ channel: c, live, following }: ChannelView): Channel {
  return {
    id: c.id,
    ownerId: c.ownerId,
    ownerNickname: c.ownerNickname,
    title: c.title,
    category: c.category,
    tags: c.tags,
    description: c.description,
    followerCount: c.followerCount,
    following,
    live,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}
