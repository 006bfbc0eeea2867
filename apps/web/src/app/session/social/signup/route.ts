import { NextResponse } from 'next/server';
import { apiClient } from '../../../../api/client.ts';
import { gatewayUrl } from '../../../../server/gateway.ts';
import { jsonBody, problem, refuseCrossSite, relayProblem, str } from '../../../../server/route-helpers.ts';
import { cookieOptions, isHttps, SOCIAL_BINDING_COOKIE } from '../../../../server/session-cookies.ts';
import { forwardedFor, setSessionCookies } from '../../../../server/tokens.ts';

/** `/signup/social`: nickname and password with the ticket; the email is the provider's. */
export async function POST(request: Request) {
  const refused = refuseCrossSite(request);
  if (refused) return refused;
  const body = await jsonBody(request);
  if (!body) return problem(400, 'MALFORMED_BODY', 'expected a JSON object');
  const { data, error, response } = await apiClient(gatewayUrl()).POST('/api/auth/social/signup', {
    body: { signupTicket: str(body.signupTicket), nickname: str(body.nickname), password: str(body.password) },
    headers: forwardedFor(request.headers),
  });
  if (!data) return relayProblem(response, error);
  const secure = isHttps(request.headers, request.url);
  const answer = NextResponse.json({ ok: true }, { status: 201 });
  setSessionCookies(answer, data, secure);
  answer.cookies.set(SOCIAL_BINDING_COOKIE, '', cookieOptions(secure, 0, '/session/social'));
  return answer;
}
