import type { IncomingHttpHeaders } from 'node:http';
import { unauthorized } from '@phzzk/kit';
import { clientIp } from '../domain/client-ip.ts';

type RequestLike = { headers: IncomingHttpHeaders; socket: { remoteAddress?: string | undefined }; id: string };

/** The caller's address (last x-forwarded-for entry, appended by the gateway) and request id. */
export function callContext(request: RequestLike) {
  return { ip: clientIp(request.headers['x-forwarded-for'], request.socket.remoteAddress), requestId: request.id };
}

/** The identity the gateway verified and passed on; nothing a client sends itself counts. */
export function caller(request: { headers: IncomingHttpHeaders }): { userId: string; sessionId: string | undefined } {
  const userId = request.headers['x-phzzk-user-id'];
  const sessionId = request.headers['x-phzzk-session-id'];
  if (typeof userId !== 'string' || userId === '')
    throw unauthorized('AUTH_REQUIRED', 'This endpoint needs a signed-in user.');
  return { userId, sessionId: typeof sessionId === 'string' && sessionId !== '' ? sessionId : undefined };
}

export function readCookie(headers: IncomingHttpHeaders, name: string): string | undefined {
  for (const part of (headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** Token responses must never be cached (RFC 6749 §5.1, ASVS V8.2.1). */
export const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' };
