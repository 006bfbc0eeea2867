import type { ChannelSummary } from '@phzzk/contracts';
import type { ApiClient } from '../api/client.ts';

export interface LiveCard {
  channel: ChannelSummary;
  viewers: number | null;
  following: boolean;
}

/** Cards shown on the home page (the directory's first page). */
export const HOME_CARD_LIMIT = 48;
/** A card's extras (viewer count, follow state) may not hold the page up longer than this. */
const EXTRAS_TIMEOUT_MS = 400;

/**
 * The live directory for the home page: the channel service's order (most viewers first), with
 * each card's viewer count from the stats API and, for a signed-in viewer, the channels they
 * follow moved to the front. Extras that do not answer in time are left out, never waited on.
 */
export async function liveCards(api: ApiClient, signedIn: boolean): Promise<LiveCard[] | null> {
  const { data } = await api.GET('/api/channels', { params: { query: { live: true, limit: HOME_CARD_LIMIT } } });
  if (!data) return null;
  const signal = AbortSignal.timeout(EXTRAS_TIMEOUT_MS);
  const cards = await Promise.all(
    data.items.map(async (channel): Promise<LiveCard> => {
      const [stats, view] = await Promise.all([
        api
          .GET('/api/stats/channels/{channelId}', { params: { path: { channelId: channel.id } }, signal })
          .then((r) => r.data)
          .catch(() => undefined),
        signedIn
          ? api
              .GET('/api/channels/{id}', { params: { path: { id: channel.id } }, signal })
              .then((r) => r.data)
              .catch(() => undefined)
          : undefined,
      ]);
      return { channel, viewers: stats?.viewers ?? null, following: view?.following === true };
    }),
  );
  // Stable: followed channels first, each group in the directory's order.
  return [...cards.filter((c) => c.following), ...cards.filter((c) => !c.following)];
}
