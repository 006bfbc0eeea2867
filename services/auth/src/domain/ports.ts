import type { Jwks } from '@phzzk/contracts';
import type { RotationOutcome } from './refresh-rotation.ts';
import type { SignupTicketClaims } from './token-claims.ts';

/** An account as the user service reports it. */
export interface Account {
  id: string;
  email: string;
  nickname: string;
  signupMethod: string;
  emailVerified: boolean;
  roles: string[];
}

export interface SocialIdentity {
  provider: string;
  subject: string;
  email: string;
  emailVerified: boolean;
}

/** The user service, reached over HTTP. Its 4xx problems are passed on to the client as they are. */
export interface UserDirectory {
  create(
    input: { email: string; nickname: string; password: string; identity?: SocialIdentity },
    requestId: string,
  ): Promise<Account>;
  /** Throws INVALID_CREDENTIALS (401) for an unknown email and for a wrong password alike. */
  verifyCredentials(email: string, password: string, requestId: string): Promise<Account>;
  byId(id: string, requestId: string): Promise<Account | undefined>;
  byEmail(email: string, requestId: string): Promise<Account | undefined>;
  byIdentity(provider: string, subject: string, requestId: string): Promise<Account | undefined>;
  link(
    accountId: string,
    identity: SocialIdentity,
    requestId: string,
  ): Promise<{ account: Account; emailNewlyVerified: boolean }>;
}

export interface NewFamily {
  sessionId: string;
  userId: string;
  tokenHash: string;
  tokenExpiresAt: number;
  familyEndsAt: number;
}

/** Refresh-token families in Redis: every operation that decides something is atomic. */
export interface SessionStore {
  create(family: NewFamily): Promise<void>;
  /** The user of a token, read without changing anything (to look the account up before rotating). */
  peek(tokenHash: string): Promise<{ sessionId: string; userId: string } | undefined>;
  /**
   * Makes `newHash` the family's token if `oldHash` is its current one. With a grace period, the
   * rotation's answer (`sealed`, encrypted with a key only the old token's holder can derive) is
   * kept for that long under the old token's hash: a parallel refresh with the same old token
   * gets it back (`grace`) instead of revoking the family.
   */
  rotate(
    oldHash: string,
    newHash: string,
    nowMs: number,
    refreshTtlSeconds: number,
    grace?: { ms: number; sealed: string },
  ): Promise<RotationOutcome>;
  /** Revokes the family of a token (logout); false when the token is unknown. */
  revokeByToken(tokenHash: string): Promise<boolean>;
  revokeFamily(sessionId: string): Promise<void>;
  /** Revokes every family of a user, except one when given; returns how many. */
  revokeUser(userId: string, exceptSessionId?: string): Promise<number>;
}

export interface TokenIssuer {
  accessToken(input: {
    userId: string;
    sessionId: string;
    roles: string[];
  }): Promise<{ token: string; expiresIn: number }>;
  signupTicket(claims: Omit<SignupTicketClaims, 'jti'>): Promise<{ token: string; expiresIn: number }>;
  /** Throws SIGNUP_TICKET_INVALID (401) for anything but a valid, unexpired ticket. */
  verifySignupTicket(token: string): Promise<SignupTicketClaims>;
}

export interface AttemptLimiter {
  /** Counts an attempt against every key; refuses (with seconds to wait) when one is at its limit. */
  reserve(
    keys: { key: string; limit: number }[],
    windowSeconds: number,
  ): Promise<{ allowed: true } | { allowed: false; retryAfterSeconds: number }>;
  /**
   * Growing delays on one key: the first `freeFailures` attempts pass at once; after that each
   * attempt must wait `baseMs * 2^(n - freeFailures)` (at most `maxMs`) after the previous one.
   * Counts the attempt when it lets it through (a successful login resets the key by `release`).
   */
  backoff(
    key: string,
    policy: { freeFailures: number; baseMs: number; maxMs: number; windowMs: number },
    nowMs: number,
  ): Promise<{ allowed: true } | { allowed: false; retryAfterSeconds: number }>;
  /** Gives back attempts that turned out to be fine (a successful login). */
  release(resetKeys: string[], refundKeys: string[]): Promise<void>;
}

/**
 * Devices that have signed in to an account before (OWASP "device cookies"): an opaque random
 * token in an HttpOnly cookie, whose hash Redis binds to the account for a while.
 */
export interface DeviceRegistry {
  /** The account key a device token (by hash) was issued for; undefined when unknown or expired. */
  accountOf(tokenHash: string): Promise<string | undefined>;
  /** Binds a device token (by hash) to an account key, for `ttlSeconds` from now. */
  remember(tokenHash: string, accountKey: string, ttlSeconds: number): Promise<void>;
}

export interface Secrets {
  /** base64url of `bytes` random bytes. */
  token(bytes: number): string;
  uuid(): string;
  sha256(value: string): string;
  /** Constant-time equality of two strings. */
  equal(a: string, b: string): boolean;
  /** Authenticated encryption (AES-256-GCM) of `plaintext` under a key derived from `secret`. */
  seal(plaintext: string, secret: string): string;
  /** The plaintext of `seal`, or undefined when the secret is wrong or the box was altered. */
  open(sealed: string, secret: string): string | undefined;
}

/** The public half of the signing keys in force (active and retiring), as a JSON Web Key Set. */
export interface PublicKeySet {
  jwks(): Jwks;
}
