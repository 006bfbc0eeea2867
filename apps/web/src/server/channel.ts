import type { Channel } from '@phzzk/contracts';
import { byIdOr404 } from './by-id.ts';

/** A channel as the caller sees it; an unknown or malformed id is the 404 page. */
export function channelOr404(channelId: string): Promise<Channel> {
  return byIdOr404('channel', channelId, (api, id) => api.GET('/api/channels/{id}', { params: { path: { id } } }));
}
