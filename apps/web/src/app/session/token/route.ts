import { cookies } from 'next/headers';
import { NextResponse } from 'next/server';
import { problem } from '../../../server/route-helpers.ts';
import { ACCESS_COOKIE, tokenExpiry } from '../../../server/session-cookies.ts';

/**
 * The short-lived access token, for the one thing a browser must present itself: the chat
 * WebSocket's `phzzk.bearer.{token}` subprotocol. Same-origin only (no CORS headers, and a
 * cross-site fetch is refused by Sec-Fetch-Site); the refresh token never leaves the cookie.
 */
export async function GET(request: Request) {
  const site = request.headers.get('sec-fetch-site');
  if (site && site !== 'same-origin') return problem(403, 'CROSS_SITE_REQUEST', 'cross-site request refused');
  const accessToken = (await cookies()).get(ACCESS_COOKIE)?.value;
  if (!accessToken) return problem(401, 'UNAUTHENTICATED', 'not signed in');
  return NextResponse.json(
    { accessToken, expiresAt: tokenExpiry(accessToken) },
    { headers: { 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' } },
  );
}
