import { cookies } from 'next/headers';
import { type ApiClient, apiClient } from '../api/client.ts';
import { gatewayUrl } from './gateway.ts';
import { ACCESS_COOKIE } from './session-cookies.ts';

/** The API as the signed-in caller (or anonymously) from a server component or route handler. */
export async function serverApi(): Promise<{ api: ApiClient; accessToken: string | undefined }> {
  const accessToken = (await cookies()).get(ACCESS_COOKIE)?.value;
  return { api: apiClient(gatewayUrl(), accessToken), accessToken };
}
