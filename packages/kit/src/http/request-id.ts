import type { IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';

export const REQUEST_ID_HEADER = 'x-request-id';
const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Reuses a caller's request id when it is well-formed (so one id follows a request across services). */
export function requestIdFrom(req: Pick<IncomingMessage, 'headers'>): string {
  const incoming = req.headers[REQUEST_ID_HEADER];
  const value = Array.isArray(incoming) ? incoming[0] : incoming;
  // randomUUID draws from a cached entropy pool: far cheaper per request than a v7 generator.
  return value && SAFE_ID.test(value) ? value : randomUUID();
}
