import { createHash } from 'node:crypto';

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
  const windowMs = options.windowMs ?? SHARED_REFRESH_MS;
  const now = options.now ?? Date.now;
  const recent = new Map<string, { at: number; outcome: Promise<T> }>();
  return (token, ...rest) => {
    const at = now();
    for (const [key, entry] of recent) if (at - entry.at > windowMs) recent.delete(key);
    // Keyed by a digest: the map never holds a usable refresh token.
    const key = createHash('sha256').update(token).digest('base64url');
    const known = recent.get(key);
    if (known) return known.outcome;
    const outcome = trade(token, ...rest);
    recent.set(key, { at, outcome });
    // An answer not worth sharing (auth unreachable) is forgotten, so the next request tries again.
    outcome.then(
      (value) => {
        if (options.keep && !options.keep(value)) recent.delete(key);
      },
      () => recent.delete(key),
    );
    return outcome;
  };
}
