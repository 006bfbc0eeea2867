import type { ChannelPage, ChannelSummary } from '@phzzk/contracts';
import { type ApiClient, apiClient } from '../api/client.ts';
import { gatewayUrl } from './gateway.ts';
import { sharedAnswers } from './shared-answers.ts';

/** A card of the live directory: only what the card shows (it is sent to the client as data). */
export interface DirectoryCard {
  id: string;
  title: string;
  ownerNickname: string;
  category: string | null;
  /** The first three. */
  tags: string[];
  viewers: number | null;
  following: boolean;
}

/** Cards shown on the home page (the directory's first page). */
export const HOME_CARD_LIMIT = 48;
/** The follows may not hold the page up longer than this (the page then shows the plain order). */
const EXTRAS_TIMEOUT_MS = 400;
/**
 * How long the renders of this server share one fetch of the public directory: it is the same for
 * every viewer, and its viewer counts move every few seconds (heartbeats, synced by the caching
 * service), so a page rendered with a directory up to a second old shows nothing a fresh one
 * would not; under load, the home page then costs the gateway and the channel service one request
 * a second instead of one per render.
 */
export const DIRECTORY_SHARED_MS = 1000;

const shared = sharedAnswers<ChannelPage | undefined>({
  windowMs: DIRECTORY_SHARED_MS,
  keep: (page) => page !== undefined,
});
const publicDirectory = () =>
  shared('live', async () => {
    const query = { live: true, limit: HOME_CARD_LIMIT };
    return (await apiClient(gatewayUrl()).GET('/api/channels', { params: { query } })).data;
  });

/**
 * The live directory for the home page: the channel service's order (most viewers first, each
 * summary with its viewer count; shared for DIRECTORY_SHARED_MS) and, for a signed-in viewer, the
 * live channels they follow moved to the front: one call as that viewer
 * (`GET /api/channels?live=true&followed=true`, never shared), never one per card.
 */
export async function liveCards(api: ApiClient, signedIn: boolean): Promise<DirectoryCard[] | null> {
  const signal = AbortSignal.timeout(EXTRAS_TIMEOUT_MS);
  const [data, followed] = await Promise.all([
    publicDirectory().catch(() => undefined),
    signedIn
      ? api
          .GET('/api/channels', { params: { query: { live: true, followed: true, limit: HOME_CARD_LIMIT } }, signal })
          .then((r) => r.data?.items ?? [])
          .catch(() => [])
      : [],
  ]);
  if (!data) return null;
  const followedIds = new Set(followed.map((c) => c.id));
  // Followed live channels first (also those past the directory's first page), then the rest.
  const channels = [...followed, ...data.items.filter((c) => !followedIds.has(c.id))].slice(0, HOME_CARD_LIMIT);
  // The directory's summaries carry the caching service's viewer counts: no call per card.
  return channels.map((channel) => toCard(channel, followedIds.has(channel.id)));
}

function toCard(channel: ChannelSummary, following: boolean): DirectoryCard {
  return {
    id: channel.id,
    title: channel.title,
    ownerNickname: channel.ownerNickname,
    category: channel.category,
    tags: channel.tags.slice(0, 3),
    viewers: channel.live.viewers ?? null,
    following,
  };
}
