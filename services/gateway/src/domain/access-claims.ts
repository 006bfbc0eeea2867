import { IdentityHeader } from '@phzzk/contracts';
import type { ServiceTrust, SignedFields } from '@phzzk/kit';

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

/** Claims objects live as long as their token is cached: their signed fields are made once, not per request. */
const fieldsOf = new WeakMap<AccessClaims, SignedFields>();

function fields(claims: AccessClaims): SignedFields {
  let f = fieldsOf.get(claims);
  if (!f) {
    f = { userId: claims.sub, sessionId: claims.sid, roles: claims.roles.join(',') || undefined };
    fieldsOf.set(claims, f);
  }
  return f;
}

/**
 * The identity a service receives for one forwarded request, as x-phzzk-* headers: the verified
 * caller (if any) and the client's address, with an HMAC over them, the method and the upstream
 * path, valid for 30 s (see ServiceTrust in the kit). One HMAC per request.
 */
export function identityFlat(
  trust: ServiceTrust,
  claims: AccessClaims | undefined,
  clientIp: string,
  method: string,
  upstreamPath: string,
): string[] {
  const out: string[] = [];
  const signed: SignedFields = claims ? { ...fields(claims), clientIp } : { clientIp };
  if (claims) {
    out.push(IdentityHeader.userId, claims.sub, IdentityHeader.sessionId, claims.sid);
    if (signed.roles) out.push(IdentityHeader.roles, signed.roles);
  }
  out.push(IdentityHeader.clientIp, clientIp, IdentityHeader.signature, trust.signature(signed, method, upstreamPath));
  return out;
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

/** An access token that is not acceptable: `code` is the problem code the client gets (401). */
export class TokenRejected extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'TokenRejected';
    this.code = code;
  }
}
