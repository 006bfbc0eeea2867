import type { IncomingHttpHeaders } from 'node:http';
import { IdentityHeader } from '@phzzk/contracts';
import { unauthorized } from './problem-error.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The signed-in user a request is made for, as the gateway verified it. */
export interface Caller {
  userId: string;
  sessionId: string | undefined;
  roles: readonly string[];
}

type RequestLike = { headers: IncomingHttpHeaders };

const single = (value: string | string[] | undefined): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

/**
 * The caller the gateway passed on, or undefined for an anonymous request. Every service reads
 * identity here and nowhere else, so that how it is verified is decided in one place.
 */
export function optionalCaller(request: RequestLike): Caller | undefined {
  const userId = single(request.headers[IdentityHeader.userId]);
  if (!userId || !UUID.test(userId)) return undefined;
  const roles = single(request.headers[IdentityHeader.roles]);
  return {
    userId,
    sessionId: single(request.headers[IdentityHeader.sessionId]),
    roles: roles ? roles.split(',').filter((r) => r !== '') : [],
  };
}

/** The caller, or 401 AUTH_REQUIRED. */
export function caller(request: RequestLike): Caller {
  const found = optionalCaller(request);
  if (!found) throw unauthorized('AUTH_REQUIRED', 'This endpoint needs a signed-in user.');
  return found;
}

/** Headers that make a request come from `who` (for tests and in-process callers). */
export function identityHeaders(who: {
  userId: string;
  sessionId?: string;
  roles?: readonly string[];
}): Record<string, string> {
  const headers: Record<string, string> = { [IdentityHeader.userId]: who.userId };
  if (who.sessionId) headers[IdentityHeader.sessionId] = who.sessionId;
  if (who.roles && who.roles.length > 0) headers[IdentityHeader.roles] = who.roles.join(',');
  return headers;
}
