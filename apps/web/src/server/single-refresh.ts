import { createHash } from 'node:crypto';
import { sharedAnswers } from './shared-answers.ts';

// The auth service rotates a refresh token at each use and ends the session when a used one comes
// again (reuse detection). A page fires several requests at once (the document, /session/token for
// the chat, /bff calls), each carrying the same expiring cookies: were each to refresh, all but the
// first would present a used token and end the session. So a refresh token is traded once; the
// requests that carry it within a short window share that one answer.

/** How long the answer for a refresh token is shared (requests in flight when the cookies changed). */
export const SHARED_REFRESH_MS = 30_000;

export function singleFlight<T, A extends unknown[]>(
  trade: (token: string, ...rest: A) => Promise<T>,
  options: { keep?: (outcome: T) => boolean; windowMs?: number; now?: () => number } = {},
): (token: string, ...rest: A) => Promise<T> {
  // An answer not worth sharing (auth unreachable) is forgotten, so the next request tries again.
  const share = sharedAnswers<T>({ ...options, windowMs: options.windowMs ?? SHARED_REFRESH_MS });
  // Keyed by a digest: the map never holds a usable refresh token.
  return (token, ...rest) => share(createHash('sha256').update(token).digest('base64url'), () => trade(token, ...rest));
}
