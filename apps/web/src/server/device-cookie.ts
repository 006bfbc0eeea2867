// The auth service's device cookie (OWASP "device cookies": a login from a device that signed in
// to the account before is never held back by what others did to the account). The auth service
// sets it on /api/auth/login; the browser signs in through /session/login here, so the Next server
// keeps the token in its own httpOnly cookie for that path, sends it along on every login, and
// stores the renewed one the auth service answers with. The page's scripts never see it.
export const DEVICE_COOKIE = 'phzzk_device';
/** Only the login route of the web app needs it. */
export const DEVICE_COOKIE_PATH = '/session/login';

const TOKEN = /^[A-Za-z0-9_-]{16,128}$/;
const FROM_AUTH = /(?:^|,\s*)phzzk_device=([A-Za-z0-9_-]{16,128});[^,]*?Max-Age=(\d+)/i;

/** The device token and lifetime in the auth service's Set-Cookie header, if it set one. */
export function deviceFromSetCookie(header: string | null | undefined): { token: string; maxAge: number } | undefined {
  const match = FROM_AUTH.exec(header ?? '');
  if (!match?.[1]) return undefined;
  return { token: match[1], maxAge: Number(match[2]) };
}

/** The Cookie header that passes the browser's device token on to the auth service. */
export function deviceCookieHeader(token: string | undefined): Record<string, string> {
  return token && TOKEN.test(token) ? { cookie: `${DEVICE_COOKIE}=${token}` } : {};
}
