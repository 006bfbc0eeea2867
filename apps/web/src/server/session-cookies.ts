// The session lives in httpOnly cookies the browser's scripts cannot read: the refresh token
// never reaches them, the access token only through /session/token (for the chat subprotocol).
export const ACCESS_COOKIE = 'phzzk_at';
export const REFRESH_COOKIE = 'phzzk_rt';
/** The social login's browser binding, copied from the auth service's cookie for the exchange. */
export const SOCIAL_BINDING_COOKIE = 'phzzk_sb';
/** Refresh this long before the access token expires, so no request races its expiry. */
export const REFRESH_MARGIN_SECONDS = 30;
/** How long the refresh cookie lives (the auth service's refresh token decides the real end). */
export const REFRESH_COOKIE_MAX_AGE = 30 * 24 * 3600;

export interface CookieOptions {
  httpOnly: true;
  sameSite: 'lax';
  secure: boolean;
  path: string;
  maxAge: number;
}

/** Secure when the browser reached us over https (directly or through a TLS-terminating proxy). */
export function isHttps(headers: Headers, url: string): boolean {
  const forwarded = headers.get('x-forwarded-proto')?.split(',')[0]?.trim();
  return (forwarded ?? new URL(url).protocol.replace(':', '')) === 'https';
}

export function cookieOptions(secure: boolean, maxAge: number, path = '/'): CookieOptions {
  return { httpOnly: true, sameSite: 'lax', secure, path, maxAge };
}

/** Seconds since the epoch at which a JWT expires (its `exp`); 0 when unreadable. */
export function tokenExpiry(token: string | undefined): number {
  if (!token) return 0;
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
      exp?: unknown;
    };
    return typeof payload.exp === 'number' ? payload.exp : 0;
  } catch {
    return 0;
  }
}

export function tokenSubject(token: string | undefined): string | undefined {
  if (!token) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
      sub?: unknown;
    };
    return typeof payload.sub === 'string' ? payload.sub : undefined;
  } catch {
    return undefined;
  }
}

export const needsRefresh = (accessToken: string | undefined, nowSeconds = Date.now() / 1000) =>
  tokenExpiry(accessToken) - REFRESH_MARGIN_SECONDS <= nowSeconds;
