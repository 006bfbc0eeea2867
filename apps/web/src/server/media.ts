import type { Clip, Vod } from '@phzzk/contracts';
import { notFound } from 'next/navigation';
import { serverApi } from './api.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A VOD by its id (unlisted ones too: they play by their URL); unknown, malformed or failed: 404. */
export async function vodOr404(vodId: string): Promise<Vod> {
  if (!UUID.test(vodId)) notFound();
  const { api } = await serverApi();
  const { data, response } = await api.GET('/api/vods/{id}', { params: { path: { id: vodId } } });
  if (data) {
    if (data.status === 'failed') notFound();
    return data;
  }
  if (response.status === 404 || response.status === 400) notFound();
  throw new Error(`vod ${vodId}: the API answered ${response.status}`);
}

/** A clip by its id; unknown or malformed: 404. */
export async function clipOr404(clipId: string): Promise<Clip> {
  if (!UUID.test(clipId)) notFound();
  const { api } = await serverApi();
  const { data, response } = await api.GET('/api/clips/{id}', { params: { path: { id: clipId } } });
  if (data) return data;
  if (response.status === 404 || response.status === 400) notFound();
  throw new Error(`clip ${clipId}: the API answered ${response.status}`);
}
