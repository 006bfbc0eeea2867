import type { Channel } from '@phzzk/contracts';
import { notFound } from 'next/navigation';
import { serverApi } from './api.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A channel as the caller sees it; an unknown or malformed id is the 404 page. */
export async function channelOr404(channelId: string): Promise<Channel> {
  if (!UUID.test(channelId)) notFound();
  const { api } = await serverApi();
  const { data, response } = await api.GET('/api/channels/{id}', { params: { path: { id: channelId } } });
  if (data) return data;
  if (response.status === 404 || response.status === 400) notFound();
  throw new Error(`channel ${channelId}: the API answered ${response.status}`);
}
