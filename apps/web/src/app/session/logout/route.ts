import { cookies } from 'next/headers';
import { NextResponse } from 'next/server';
import { apiClient } from '../../../api/client.ts';
import { gatewayUrl } from '../../../server/gateway.ts';
import { refuseCrossSite } from '../../../server/route-helpers.ts';
import { isHttps, REFRESH_COOKIE } from '../../../server/session-cookies.ts';
import { clearSessionCookies, forwardedFor } from '../../../server/tokens.ts';

/** Ends this session at the auth service (its refresh token revoked) and clears the cookies. */
export async function POST(request: Request) {
  const refused = refuseCrossSite(request);
  if (refused) return refused;
  const refreshToken = (await cookies()).get(REFRESH_COOKIE)?.value;
  if (refreshToken) {
    await apiClient(gatewayUrl())
      .POST('/api/auth/logout', { body: { refreshToken }, headers: forwardedFor(request.headers) })
      .catch(() => undefined);
  }
  const answer = NextResponse.json({ ok: true }, { headers: { 'cache-control': 'no-store' } });
  clearSessionCookies(answer, isHttps(request.headers, request.url));
  return answer;
}
