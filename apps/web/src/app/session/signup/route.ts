import { NextResponse } from 'next/server';
import { apiClient } from '../../../api/client.ts';
import { gatewayUrl } from '../../../server/gateway.ts';
import { jsonBody, problem, refuseCrossSite, relayProblem, str } from '../../../server/route-helpers.ts';
import { isHttps } from '../../../server/session-cookies.ts';
import { forwardedFor, setSessionCookies } from '../../../server/tokens.ts';

/** Sign-up with email, nickname and password; signed in at once (cookies). */
export async function POST(request: Request) {
  const refused = refuseCrossSite(request);
  if (refused) return refused;
  const body = await jsonBody(request);
  if (!body) return problem(400, 'MALFORMED_BODY', 'expected a JSON object');
  const { data, error, response } = await apiClient(gatewayUrl()).POST('/api/auth/signup', {
    body: { email: str(body.email), nickname: str(body.nickname), password: str(body.password) },
    headers: forwardedFor(request.headers),
  });
  if (!data) return relayProblem(response, error);
  const answer = NextResponse.json({ ok: true }, { status: 201, headers: { 'cache-control': 'no-store' } });
  setSessionCookies(answer, data, isHttps(request.headers, request.url));
  return answer;
}
