import { DomainError } from '@phzzk/kit/errors';

/** What the atomic rotation in the session store found for a presented refresh token. */
export type RotationOutcome =
  | { status: 'rotated'; sessionId: string; userId: string; expiresAt: number }
  | { status: 'reused'; sessionId: string; userId: string }
  /** The token was rotated moments ago (within the grace period): the rotation's sealed answer. */
  | { status: 'grace'; sessionId: string; userId: string; sealed: string }
  | { status: 'expired'; sessionId: string; userId: string }
  | { status: 'revoked' }
  | { status: 'unknown' };

/**
 * The expiry of a refresh token issued now: the idle lifetime (14 days by default), never past the
 * session family's absolute end (ASVS V3.3: re-authentication after at most 30 days).
 */
export function refreshExpiry(nowMs: number, refreshTtlSeconds: number, familyEndsAtMs: number): number {
  return Math.min(nowMs + refreshTtlSeconds * 1000, familyEndsAtMs);
}

/** Turns a rotation outcome into the rotated session or the error the client sees. */
export function rotationResult(outcome: RotationOutcome): { sessionId: string; userId: string; expiresAt: number } {
  switch (outcome.status) {
    case 'rotated':
      return outcome;
    case 'grace':
      // Handled by the caller (it opens the sealed answer); reaching here means it could not.
      return fail('REFRESH_TOKEN_INVALID', 'The refresh token is not valid.');
    case 'reused':
      // An already-rotated token came back: someone holds a copy. The whole family was revoked.
      return fail('REFRESH_TOKEN_REUSED', 'This refresh token was already used; the session has been ended.');
    case 'expired':
      return fail('REFRESH_TOKEN_EXPIRED', 'The session has expired; sign in again.');
    case 'revoked':
      return fail('REFRESH_TOKEN_REVOKED', 'The session has ended; sign in again.');
    case 'unknown':
      return fail('REFRESH_TOKEN_INVALID', 'The refresh token is not valid.');
  }
}

function fail(code: string, detail: string): never {
  throw new DomainError('unauthenticated', code, detail);
}
