import type { Clip, Vod } from '@phzzk/contracts';
import { notFound } from 'next/navigation';
import { dateFormat } from '../i18n/formats.ts';
import { getI18n } from '../i18n/server.ts';
import { serverApi } from './api.ts';
import { byIdOr404 } from './by-id.ts';

/** A VOD by its id (unlisted ones too: they play by their URL); unknown, malformed or failed: 404. */
export async function vodOr404(vodId: string): Promise<Vod> {
  const vod = await byIdOr404('vod', vodId, (api, id) => api.GET('/api/vods/{id}', { params: { path: { id } } }));
  if (vod.status === 'failed') notFound();
  return vod;
}

/** A clip by its id; unknown or malformed: 404. */
export function clipOr404(clipId: string): Promise<Clip> {
  return byIdOr404('clip', clipId, (api, id) => api.GET('/api/clips/{id}', { params: { path: { id } } }));
}

/**
 * What the VOD and clip pages show beside their item: its channel (null when it cannot be read),
 * `at` as a date in the reader's language, and whether the reader is signed in.
 */
export async function mediaContext(channelId: string, at: string) {
  const { api, accessToken } = await serverApi();
  const { locale } = await getI18n();
  const { data: channel } = await api.GET('/api/channels/{id}', { params: { path: { id: channelId } } });
  return {
    channel: channel ? { id: channel.id, nickname: channel.ownerNickname } : null,
    date: dateFormat(locale, { dateStyle: 'long', timeStyle: 'short' }).format(new Date(at)),
    signedIn: !!accessToken,
  };
}
