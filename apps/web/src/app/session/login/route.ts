import { cookies } from 'next/headers';
import { apiClient } from '../../../api/client.ts';
import {
  DEVICE_COOKIE,
  DEVICE_COOKIE_PATH,
  deviceCookieHeader,
  deviceFromSetCookie,
} from '../../../server/device-cookie.ts';
import { gatewayUrl } from '../../../server/gateway.ts';
import { jsonPost, relayProblem, str } from '../../../server/route-helpers.ts';
import { cookieOptions, isHttps } from '../../../server/session-cookies.ts';
import { forwardedFor, signedIn } from '../../../server/tokens.ts';

/**
 * Email + password sign-in: the tokens go into httpOnly cookies; the browser gets `{ok: true}`.
 * The auth service's device cookie is kept here (httpOnly, SameSite=Lax, this path only) and
 * sent along on the next login, so that attempts on the account by others never hold this
 * browser back.
 */
export const POST = jsonPost(async (request, body) => {
  const device = (await cookies()).get(DEVICE_COOKIE)?.value;
  const { data, error, response } = await apiClient(gatewayUrl()).POST('/api/auth/login', {
    body: { email: str(body.email), password: str(body.password) },
    headers: { ...forwardedFor(request.headers), ...deviceCookieHeader(device) },
  });
  if (!data) return relayProblem(response, error);
  const answer = signedIn(request, data);
  const renewed = deviceFromSetCookie(response.headers.get('set-cookie'));
  if (renewed) {
    const secure = isHttps(request.headers, request.url);
    answer.cookies.set(DEVICE_COOKIE, renewed.token, cookieOptions(secure, renewed.maxAge, DEVICE_COOKIE_PATH));
  }
  return answer;
});
