import { apiClient } from '../../../api/client.ts';
import { gatewayUrl } from '../../../server/gateway.ts';
import { jsonPost, relayProblem, str } from '../../../server/route-helpers.ts';
import { forwardedFor, signedIn } from '../../../server/tokens.ts';

/** Sign-up with email, nickname and password; signed in at once (cookies). */
export const POST = jsonPost(async (request, body) => {
  const { data, error, response } = await apiClient(gatewayUrl()).POST('/api/auth/signup', {
    body: { email: str(body.email), nickname: str(body.nickname), password: str(body.password) },
    headers: forwardedFor(request.headers),
  });
  return data ? signedIn(request, data, 201) : relayProblem(response, error);
});
