import type { Channel } from '@phzzk/contracts';
import { channelBasics } from '../domain/channel.ts';
import type { ChannelView } from '../domain/channels.ts';

/** A channel as the HTTP API shows it. */
export function presentChannel({ channel: c, live, following }: ChannelView): Channel {
  return {
    ...channelBasics(c),
    description: c.description,
    followerCount: c.followerCount,
    following,
    live,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}
