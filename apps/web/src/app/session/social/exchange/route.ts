import { cookies } from 'next/headers';
import { NextResponse } from 'next/server';
import { gatewayUrl } from '../../../../server/gateway.ts';
import { jsonBody, problem, refuseCrossSite, str } from '../../../../server/route-helpers.ts';
import { cookieOptions, isHttps, SOCIAL_BINDING_COOKIE } from '../../../../server/session-cookies.ts';
import { forwardedFor, setSessionCookies } from '../../../../server/tokens.ts';
import { apiClient } from '../../../../api/client.ts';

/**
 * `/auth/complete` posts the one-time code from its URL fragment here. Signed in: the tokens go
 * into cookies. Sign-up needed: the page gets the ticket and the provider's email (no tokens).
 */
export async function POST(request: Request) {
  const refused = refuseCrossSite(request);
  if (refused) return refused;
  const code = str((await jsonBody(request))?.code);
  const binding = (await cookies()).get(SOCIAL_BINDING_COOKIE)?.value;
  if (!binding) return problem(400, 'SOCIAL_BINDING_MISSING', 'this browser did not start the login');
  const { data, error, response } = await apiClient(gatewayUrl()).POST('/api/auth/social/exchange', {
    body: { code },
    headers: { cookie: `phzzk_social=${binding}`, ...forwardedFor(request.headers) },
  });
  const secure = isHttps(request.headers, request.url);
  if (!data) {
    const answer = NextResponse.json(error ?? { code: 'SOCIAL_FAILED' }, { status: response.status });
    answer.cookies.set(SOCIAL_BINDING_COOKIE, '', cookieOptions(secure, 0, '/session/social'));
    return answer;
  }
  if (data.status === 'authenticated') {
    const answer = NextResponse.json({ status: 'authenticated', returnTo: data.returnTo });
    setSessionCookies(answer, data, secure);
    answer.cookies.set(SOCIAL_BINDING_COOKIE, '', cookieOptions(secure, 0, '/session/social'));
    return answer;
  }
  const { status, signupTicket, provider, email, expiresIn, returnTo } = data;
  return NextResponse.json(
    { status, signupTicket, provider, email, expiresIn, returnTo },
    { headers: { 'cache-control': 'no-store' } },
  );
}
