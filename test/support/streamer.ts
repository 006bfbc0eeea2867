import { randomBytes } from 'node:crypto';
import type { ChannelPage, LiveInfo, StreamKeyResponse } from '@phzzk/contracts';
import { type ApiClient, waitFor } from '@phzzk/testing';
import { logTails } from './platform.ts';

export interface Streamer {
  nickname: string;
  accessToken: string;
  api: ApiClient;
  channelId: string;
  streamKey: string;
}

/**
 * A new account signed up through the gateway; its channel is created by the channel service from
 * `user.registered` (asynchronously), so wait for it before asking for the stream key. With the
 * platform's home, a channel that does not come fails with the services' last log lines.
 */
export async function signUpStreamer(gateway: ApiClient, home?: string): Promise<Streamer> {
  const nickname = `live${randomBytes(4).toString('hex')}`;
  const signup = await gateway.post<{ accessToken: string }>('/api/auth/signup', {
    email: `${nickname}@example.com`,
    nickname,
    password: `Qz!${randomBytes(9).toString('base64url')}`,
  });
  if (signup.status !== 201 && signup.status !== 200) {
    throw new Error(`signup answered ${signup.status}: ${JSON.stringify(signup.body)}`);
  }
  const api = gateway.withHeaders({ authorization: `Bearer ${signup.body.accessToken}` });
  const channel = await waitFor(
    async () => {
      const res = await api.get<{ id: string }>('/api/channels/me');
      return res.status === 200 ? res.body : undefined;
    },
    { what: 'the channel made from user.registered', timeoutMs: 30_000, intervalMs: 100 },
  ).catch((error: Error) => {
    throw home ? new Error(`${error.message}\n${logTails(home)}`, { cause: error }) : error;
  });
  const key = await api.get<StreamKeyResponse>('/api/channels/me/stream-key');
  if (key.status !== 200) throw new Error(`stream key answered ${key.status}: ${JSON.stringify(key.body)}`);
  return { nickname, accessToken: signup.body.accessToken, api, channelId: channel.id, streamKey: key.body.streamKey };
}

/** Whether the live directory lists the channel (every page walked: other runs share the database). */
export async function directoryLists(gateway: ApiClient, channelId: string): Promise<boolean> {
  let cursor: string | null = null;
  do {
    const query: string = `/api/channels?live=true&limit=100${cursor ? `&cursor=${cursor}` : ''}`;
    const page = await gateway.get<ChannelPage>(query);
    if (page.status !== 200) throw new Error(`directory answered ${page.status}`);
    if (page.body.items.some((c) => c.id === channelId)) return true;
    cursor = page.body.nextCursor;
  } while (cursor);
  return false;
}

export async function liveInfo(gateway: ApiClient, channelId: string): Promise<LiveInfo> {
  const res = await gateway.get<LiveInfo>(`/api/channels/${channelId}/live`);
  if (res.status !== 200) throw new Error(`live info answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}
