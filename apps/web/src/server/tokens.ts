import type { TokenResponse } from '@phzzk/contracts';
import { NextResponse } from 'next/server';
import { apiClient } from '../api/client.ts';
import { gatewayUrl } from './gateway.ts';
import { ACCESS_COOKIE, cookieOptions, isHttps, REFRESH_COOKIE, REFRESH_COOKIE_MAX_AGE } from './session-cookies.ts';

type Tokens = Pick<TokenResponse, 'accessToken' | 'refreshToken' | 'expiresIn'>;

/** Puts a fresh token pair into the httpOnly session cookies of a response. */
export function setSessionCookies(response: NextResponse, tokens: Tokens, secure: boolean): void {
  response.cookies.set(ACCESS_COOKIE, tokens.accessToken, cookieOptions(secure, tokens.expiresIn));
  response.cookies.set(REFRESH_COOKIE, tokens.refreshToken, cookieOptions(secure, REFRESH_COOKIE_MAX_AGE));
}

/** The answer to a sign-in or sign-up from the browser: `{ok: true}`, the session only in its cookies. */
export function signedIn(request: Request, tokens: Tokens, status = 200): NextResponse {
  const answer = NextResponse.json({ ok: true }, { status, headers: { 'cache-control': 'no-store' } });
  setSessionCookies(answer, tokens, isHttps(request.headers, request.url));
  return answer;
}

export function clearSessionCookies(response: NextResponse, secure: boolean): void {
  response.cookies.set(ACCESS_COOKIE, '', cookieOptions(secure, 0));
  response.cookies.set(REFRESH_COOKIE, '', cookieOptions(secure, 0));
}

export type RefreshOutcome =
  | { kind: 'refreshed'; tokens: TokenResponse }
  | { kind: 'revoked' }
  | { kind: 'unavailable' };

/**
 * Trades the refresh token for a new pair (the auth service rotates it). A 4xx answer means the
 * session is over (revoked, expired, reused): the caller signs the browser out. Anything else
 * (auth down) keeps the cookies for a later try.
 */
export async function refreshSession(refreshToken: string, clientHeaders: Headers): Promise<RefreshOutcome> {
  try {
    const { data, response } = await apiClient(gatewayUrl()).POST('/api/auth/refresh', {
      body: { refreshToken },
      headers: forwardedFor(clientHeaders),
      signal: AbortSignal.timeout(5000),
    });
    if (data) return { kind: 'refreshed', tokens: data };
    return response.status >= 400 && response.status < 500 ? { kind: 'revoked' } : { kind: 'unavailable' };
  } catch {
    return { kind: 'unavailable' };
  }
}

/** The browser's address as the gateway gave it to us, passed on for per-client limits and logs. */
export function forwardedFor(headers: Headers): Record<string, string> {
  const value = headers.get('x-forwarded-for');
  return value ? { 'x-forwarded-for': value } : {};
}
