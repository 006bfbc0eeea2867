import { type DomainError, ERROR_KINDS, type ErrorKind } from './domain-error.ts';

// The one table from a kind of failure to its HTTP status: the problem+json answer of a route
// (http/domain-problem.ts) and the reading of a neighbour's problem answer (kindOfStatus) use it.
const statusOfKind: Record<ErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  'rate-limited': 429,
  'upstream-failed': 502,
  unavailable: 503,
};

export function httpStatusOf(kind: ErrorKind): number {
  return statusOfKind[kind];
}

/** The kind of a problem another service answered with (a 4xx or 5xx status). */
export function kindOfStatus(status: number): ErrorKind {
  const exact = ERROR_KINDS.find((k) => statusOfKind[k] === status);
  if (exact) return exact;
  if (status === 422 || (status >= 400 && status < 500)) return 'invalid';
  return status === 502 || status === 504 ? 'upstream-failed' : 'unavailable';
}

/** A WebSocket error frame (`phzzk.chat.v1` shape) for a failure. */
export interface ErrorFrameOf {
  type: 'error';
  code: string;
  message: string;
  nonce?: string;
  retryAfterMs?: number;
}

/** The error frame a WebSocket client is sent for a failure; the same code as over HTTP. */
export function errorFrameOf(error: DomainError, nonce?: string): ErrorFrameOf {
  const retryAfter = error.extra.retryAfter;
  return {
    type: 'error',
    ...(nonce === undefined ? {} : { nonce }),
    code: error.code,
    message: error.message,
    ...(typeof retryAfter === 'number' ? { retryAfterMs: Math.ceil(retryAfter * 1000) } : {}),
  };
}
