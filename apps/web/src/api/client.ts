import createClient, { type Client } from 'openapi-fetch';
import type { paths } from './schema';

export type ApiClient = Client<paths>;
export type { paths };

/**
 * The typed API client (openapi-fetch over the types generated from openapi.json). On the Next
 * server it talks to the gateway with the caller's access token; in the browser its base is the
 * same-origin `/bff`, which adds the token from the httpOnly cookie.
 */
export function apiClient(baseUrl: string, accessToken?: string, init?: { signal?: AbortSignal }): ApiClient {
  return createClient<paths>({
    baseUrl,
    headers: accessToken ? { authorization: `Bearer ${accessToken}` } : {},
    cache: 'no-store',
    ...(init?.signal ? { signal: init.signal } : {}),
  });
}

/** A problem+json answer's stable code, when there is one. */
export function problemCode(error: unknown): string | undefined {
  return error && typeof error === 'object' && 'code' in error && typeof error.code === 'string'
    ? error.code
    : undefined;
}
