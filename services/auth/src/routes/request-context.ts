import type { IncomingHttpHeaders } from 'node:http';
import { clientAddress } from '@phzzk/kit';
import { clientIp } from '../domain/client-ip.ts';

type RequestLike = { headers: IncomingHttpHeaders; socket: { remoteAddress?: string | undefined }; id: string };

/**
 * The caller's address and request id. The address is the one the gateway signed (or the peer of
 * a direct call), never a client-written X-Forwarded-For; clientIp only normalizes it (IPv6 /64).
 */
export function callContext(request: RequestLike) {
  return { ip: clientIp(clientAddress(request), undefined), requestId: request.id };
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
