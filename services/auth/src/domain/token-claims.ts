/** RFC 9068 `typ` of access tokens; a sign-up ticket has another, so neither passes for the other. */
export const ACCESS_TOKEN_TYPE = 'at+jwt';
export const SIGNUP_TICKET_TYPE = 'phzzk-signup+jwt';
export const SIGNUP_TICKET_PURPOSE = 'social-signup';

/** A sign-up ticket is for the auth service only: its audience is never the platform's. */
export const signupTicketAudience = (audience: string) => `${audience}:social-signup`;

export interface AccessTokenSpec {
  header: { typ: string };
  payload: { sid: string; roles: string[] };
  subject: string;
  issuer: string;
  audience: string;
  issuedAt: number;
  expiresAt: number;
  jti: string;
}

/** The claims of an access token: who (sub), which session (sid), what they may do (roles), until when. */
export function accessTokenSpec(input: {
  userId: string;
  sessionId: string;
  roles: string[];
  issuer: string;
  audience: string;
  ttlSeconds: number;
  nowSeconds: number;
  jti: string;
}): AccessTokenSpec {
  return {
    header: { typ: ACCESS_TOKEN_TYPE },
    payload: { sid: input.sessionId, roles: [...input.roles] },
    subject: input.userId,
    issuer: input.issuer,
    audience: input.audience,
    issuedAt: input.nowSeconds,
    expiresAt: input.nowSeconds + input.ttlSeconds,
    jti: input.jti,
  };
}

export interface VerifiedAccess {
  userId: string;
  sessionId: string;
  roles: string[];
  expiresAt: number;
  jti: string;
}

/** Checks the claims jose does not: a session id, a role list, a token id. Undefined when malformed. */
export function accessFromPayload(payload: Record<string, unknown>): VerifiedAccess | undefined {
  const { sub, sid, roles, exp, jti } = payload;
  if (typeof sub !== 'string' || sub === '' || typeof sid !== 'string' || sid === '') return undefined;
  if (typeof exp !== 'number' || typeof jti !== 'string') return undefined;
  if (!Array.isArray(roles) || !roles.every((r) => typeof r === 'string')) return undefined;
  return { userId: sub, sessionId: sid, roles, expiresAt: exp, jti };
}

export interface SignupTicketClaims {
  provider: string;
  providerSubject: string;
  email: string;
  returnTo: string;
  jti: string;
}

export function ticketFromPayload(payload: Record<string, unknown>): SignupTicketClaims | undefined {
  const { purpose, provider, psub, email, returnTo, jti } = payload;
  if (purpose !== SIGNUP_TICKET_PURPOSE) return undefined;
  if ([provider, psub, email, jti].some((v) => typeof v !== 'string' || v === '')) return undefined;
  return {
    provider: provider as string,
    providerSubject: psub as string,
    email: email as string,
    returnTo: typeof returnTo === 'string' ? returnTo : '/',
    jti: jti as string,
  };
}
