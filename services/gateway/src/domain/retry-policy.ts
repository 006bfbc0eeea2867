const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

/** Connection errors where the upstream certainly did not process the request. */
const NOTHING_SENT = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);
/** Errors where the instance is gone or broken: eject it, and retry when that is safe. */
const INSTANCE_FAILED = new Set([...NOTHING_SENT, 'ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

export function errorCode(error: unknown): string | undefined {
  const e = error as { code?: string; cause?: { code?: string } };
  return e?.code ?? e?.cause?.code;
}

export function isInstanceFailure(error: unknown): boolean {
  return INSTANCE_FAILED.has(errorCode(error) ?? '');
}

/** Retry on another instance only when repeating cannot do harm: idempotent, or nothing was sent. */
export function canRetry(method: string, error: unknown): boolean {
  const code = errorCode(error) ?? '';
  return NOTHING_SENT.has(code) || (IDEMPOTENT.has(method) && INSTANCE_FAILED.has(code));
}

/** Given to an upgrade the instance did not answer within the route's timeout. */
export const UPGRADE_TIMEOUT = 'UPGRADE_TIMEOUT';
/** The instance did not answer in time: it counts against its circuit breaker. */
const SLOW = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', UPGRADE_TIMEOUT]);

/** Whether the attempt failed because the instance did not answer in time (a 504, not a 502). */
export function isTimeout(error: unknown): boolean {
  return SLOW.has(errorCode(error) ?? '');
}

/**
 * Whether a failed attempt says something about the instance (it counts against its breaker).
 * What the request or the client caused (an abort, a body that does not match its length, a
 * header the client library refuses) says nothing about the instance and never ejects it.
 */
export function countsAgainstInstance(error: unknown): boolean {
  const code = errorCode(error) ?? '';
  return INSTANCE_FAILED.has(code) || SLOW.has(code);
}
