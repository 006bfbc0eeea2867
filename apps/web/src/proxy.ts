import { type NextRequest, NextResponse } from 'next/server';
import { ACCESS_COOKIE, isHttps, needsRefresh, REFRESH_COOKIE } from './server/session-cookies.ts';
import { singleFlight } from './server/single-refresh.ts';
import { clearSessionCookies, type RefreshOutcome, refreshSession, setSessionCookies } from './server/tokens.ts';

/** A page's parallel requests carry the same refresh cookie: it is traded once (see single-refresh.ts). */
const refreshOnce = singleFlight(refreshSession, {
  keep: (outcome: RefreshOutcome) => outcome.kind !== 'unavailable',
});

/**
 * Keeps the session alive without the user noticing: before a page or a /bff call renders, an
 * access token that is missing or about to expire is refreshed with the refresh cookie; the new
 * pair goes both to this request (so the page renders signed in) and to the browser. A refresh
 * the auth service refuses (revoked session) signs the browser out. Requests that arrive together
 * with the same refresh cookie share one refresh (the auth service ends a session whose used
 * refresh token comes again).
 */
export async function proxy(request: NextRequest): Promise<NextResponse> {
  const refreshToken = request.cookies.get(REFRESH_COOKIE)?.value;
  const accessToken = request.cookies.get(ACCESS_COOKIE)?.value;
  if (!refreshToken || !needsRefresh(accessToken)) return NextResponse.next();
  const secure = isHttps(request.headers, request.url);
  const outcome = await refreshOnce(refreshToken, request.headers);
  if (outcome.kind === 'unavailable') return NextResponse.next();
  if (outcome.kind === 'revoked') {
    request.cookies.delete(ACCESS_COOKIE);
    request.cookies.delete(REFRESH_COOKIE);
    const response = NextResponse.next({ request: { headers: request.headers } });
    clearSessionCookies(response, secure);
    return response;
  }
  request.cookies.set(ACCESS_COOKIE, outcome.tokens.accessToken);
  request.cookies.set(REFRESH_COOKIE, outcome.tokens.refreshToken);
  const response = NextResponse.next({ request: { headers: request.headers } });
  setSessionCookies(response, outcome.tokens, secure);
  return response;
}

export const config = {
  // Pages, /bff and /session/token; never static assets or the health probe. Only for a browser
  // that has a session (the refresh cookie, REFRESH_COOKIE, literal here: Next reads this config
  // statically): an anonymous request has nothing to refresh and skips the proxy altogether.
  matcher: [
    {
      source: '/((?!_next/|health|favicon.ico|session/(?!token)).*)',
      has: [{ type: 'cookie', key: 'phzzk_rt' }],
    },
  ],
};
