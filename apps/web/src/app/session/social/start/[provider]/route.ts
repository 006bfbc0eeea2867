import { NextResponse } from 'next/server';
import { gatewayUrl } from '../../../../../server/gateway.ts';
import { problem } from '../../../../../server/route-helpers.ts';
import { cookieOptions, isHttps, SOCIAL_BINDING_COOKIE } from '../../../../../server/session-cookies.ts';
import { forwardedFor } from '../../../../../server/tokens.ts';

const BINDING = /(?:^|,\s*)phzzk_social=([A-Za-z0-9_-]+);[^,]*?Max-Age=(\d+)/i;

/**
 * Starts a social login through the auth service's flow. The Next server asks for the provider's
 * URL itself, hands the browser the auth service's binding cookie (which the provider's callback
 * needs) and keeps a copy in its own httpOnly cookie: at the end it trades the one-time code for
 * the tokens server side, so they never reach the page.
 */
export async function GET(request: Request, { params }: { params: Promise<{ provider: string }> }) {
  const { provider } = await params;
  if (!/^[a-z][a-z0-9-]{1,31}$/.test(provider)) return problem(404, 'UNKNOWN_PROVIDER', 'unknown provider');
  const returnTo = new URL(request.url).searchParams.get('returnTo') ?? '/';
  const safeReturn = returnTo.startsWith('/') && !returnTo.startsWith('//') ? returnTo : '/';
  const url = `${gatewayUrl()}/api/auth/social/${provider}/authorize?returnTo=${encodeURIComponent(safeReturn)}`;
  const upstream = await fetch(url, { redirect: 'manual', headers: forwardedFor(request.headers) }).catch(
    () => undefined,
  );
  const location = upstream?.headers.get('location');
  const binding = BINDING.exec(upstream?.headers.get('set-cookie') ?? '');
  if (upstream?.status !== 302 || !location || !binding?.[1]) {
    return NextResponse.redirect(
      new URL(
        `/login?error=${upstream?.status === 404 ? 'UNKNOWN_PROVIDER' : 'SOCIAL_UNAVAILABLE'}`,
        publicBase(request),
      ),
      303,
    );
  }
  const secure = isHttps(request.headers, request.url);
  const maxAge = Number(binding[2] ?? 600);
  const answer = NextResponse.redirect(location, 302);
  answer.cookies.set('phzzk_social', binding[1], cookieOptions(secure, maxAge, '/api/auth/social'));
  answer.cookies.set(SOCIAL_BINDING_COOKIE, binding[1], cookieOptions(secure, maxAge, '/session/social'));
  answer.headers.set('cache-control', 'no-store');
  answer.headers.set('referrer-policy', 'no-referrer');
  return answer;
}

/** The site as the browser sees it (behind the gateway: its forwarded host and scheme). */
function publicBase(request: Request): string {
  const host = request.headers.get('x-forwarded-host') ?? request.headers.get('host');
  const proto = request.headers.get('x-forwarded-proto') ?? 'http';
  return host ? `${proto}://${host}` : request.url;
}
