import { apiClient } from '../../../../api/client.ts';
import { gatewayUrl } from '../../../../server/gateway.ts';
import { jsonPost, relayProblem, str } from '../../../../server/route-helpers.ts';
import { cookieOptions, isHttps, SOCIAL_BINDING_COOKIE } from '../../../../server/session-cookies.ts';
import { forwardedFor, signedIn } from '../../../../server/tokens.ts';

/** `/signup/social`: nickname and password with the ticket; the email is the provider's. */
export const POST = jsonPost(async (request, body) => {
  const { data, error, response } = await apiClient(gatewayUrl()).POST('/api/auth/social/signup', {
    body: { signupTicket: str(body.signupTicket), nickname: str(body.nickname), password: str(body.password) },
    headers: forwardedFor(request.headers),
  });
  if (!data) return relayProblem(response, error);
  const answer = signedIn(request, data, 201);
  const secure = isHttps(request.headers, request.url);
  answer.cookies.set(SOCIAL_BINDING_COOKIE, '', cookieOptions(secure, 0, '/session/social'));
  return answer;
});
