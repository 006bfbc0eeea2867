import type { PrivateUser } from '@phzzk/contracts';
import { serverApi } from './api.ts';

/** The signed-in user (from the API, so a revoked session reads as signed out), or null. */
export async function currentUser(): Promise<PrivateUser | null> {
  const { api, accessToken } = await serverApi();
  if (!accessToken) return null;
  const { data } = await api.GET('/api/users/me');
  return data ?? null;
}
