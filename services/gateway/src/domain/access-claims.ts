/** What the gateway needs from a verified access token, and how it reaches services. */
export interface AccessClaims {
  sub: string;
  sid: string;
  roles: string[];
  exp: number;
}

export function claimsFromPayload(payload: Record<string, unknown>): AccessClaims | undefined {
  const { sub, sid, roles, exp } = payload;
  if (typeof sub !== 'string' || !sub || typeof sid !== 'string' || !sid || typeof exp !== 'number') return undefined;
  const roleList = Array.isArray(roles)
    ? roles.filter((r): r is string => typeof r === 'string' && /^[a-z0-9:_-]{1,32}$/.test(r))
    : [];
  return { sub, sid, roles: roleList, exp };
}

/** Claims objects live as long as their token is cached: their headers are made once, not per request. */
const headersOf = new WeakMap<AccessClaims, Readonly<Record<string, string>>>();

/** The trusted identity headers (prefixed x-phzzk- by the forwarder); clients can never set them. */
export function identityHeaders(claims: AccessClaims): Readonly<Record<string, string>> {
  let headers = headersOf.get(claims);
  if (!headers) {
    headers = { 'user-id': claims.sub, 'session-id': claims.sid, roles: claims.roles.join(',') };
    headersOf.set(claims, headers);
  }
  return headers;
}

const BEARER = /^\s*Bearer\s+/i;
const TOKEN_SYNTAX = /^[A-Za-z0-9_\-.]+$/;

/** Whether a bearer token is made of the compact JWT alphabet (base64url parts and dots). */
export function isTokenSyntax(token: string): boolean {
  return TOKEN_SYNTAX.test(token);
}

/**
 * Reads `Authorization: Bearer <token>` ('' when the header is no bearer credential; the token
 * itself is not checked here, see isTokenSyntax), or `access_token` in the query for WebSocket
 * upgrades (browsers cannot set headers there).
 */
export function bearerToken(authorization: string | undefined, url: string, allowQuery: boolean): string | undefined {
  if (authorization) {
    // The scheme by its first characters only: the token itself (~700 characters) is checked
    // against the compact JWT alphabet once, by isTokenSyntax, when it is not already known.
    const scheme = BEARER.exec(authorization);
    return scheme ? authorization.slice(scheme[0].length).trimEnd() : '';
  }
  if (!allowQuery) return undefined;
  const q = url.indexOf('?');
  if (q === -1) return undefined;
  return new URLSearchParams(url.slice(q + 1)).get('access_token') ?? undefined;
}
