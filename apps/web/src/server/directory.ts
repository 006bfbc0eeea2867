import type { ChannelSummary } from '@phzzk/contracts';
import type { ApiClient } from '../api/client.ts';

export interface LiveCard {
  channel: ChannelSummary;
  viewers: number | null;
  following: boolean;
}

/** Cards shown on the home page (the directory's first page). */
export const HOME_CARD_LIMIT = 48;
/** The follows may not hold the page up longer than this (the page then shows the plain order). */
const EXTRAS_TIMEOUT_MS = 400;

/**
 * The live directory for the home page: the channel service's order (most viewers first, each
 * summary with its viewer count) and, for a signed-in viewer, the live channels they
 * follow moved to the front: one call (`GET /api/channels?live=true&followed=true`), never one per
 * card.
 */
export async function liveCards(api: ApiClient, signedIn: boolean): Promise<LiveCard[] | null> {
  const signal = AbortSignal.timeout(EXTRAS_TIMEOUT_MS);
  const [directory, followed] = await Promise.all([
    api.GET('/api/channels', { params: { query: { live: true, limit: HOME_CARD_LIMIT } } }),
    signedIn
      ? api
          .GET('/api/channels', { params: { query: { live: true, followed: true, limit: HOME_CARD_LIMIT } }, signal })
          .then((r) => r.data?.items ?? [])
          .catch(() => [])
      : [],
  ]);
  const data = directory.data;
  if (!data) return null;
  const followedIds = new Set(followed.map((c) => c.id));
  // Followed live channels first (also those past the directory's first page), then the rest.
  const channels = [...followed, ...data.items.filter((c) => !followedIds.has(c.id))].slice(0, HOME_CARD_LIMIT);
  // The directory's summaries carry the caching service's viewer counts: no call per card.
  return channels.map((channel) => ({
    channel,
    viewers: channel.live.viewers ?? null,
    following: followedIds.has(channel.id),
  }));
}
