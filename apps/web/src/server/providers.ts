import { apiClient } from '../api/client.ts';
import { gatewayUrl } from './gateway.ts';

/** The social login providers the auth service has enabled (none when it cannot say). */
export async function socialProviders(): Promise<string[]> {
  try {
    const { data } = await apiClient(gatewayUrl()).GET('/api/auth/social/providers', {
      signal: AbortSignal.timeout(1000),
    });
    return (data?.items ?? []).map((p) => p.id).filter((id) => /^[a-z][a-z0-9-]{1,31}$/.test(id));
  } catch {
    return [];
  }
}
