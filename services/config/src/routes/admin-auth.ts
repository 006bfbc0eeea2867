import { createHash, timingSafeEqual } from 'node:crypto';
import { ProblemError } from '@phzzk/kit';
import type { FastifyReply, FastifyRequest } from 'fastify';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** The token from `Authorization: Bearer <token>` or Basic auth (any user, the token as password). */
function presented(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const [scheme, value] = header.split(/\s+/, 2);
  if (!scheme || !value) return undefined;
  if (scheme.toLowerCase() === 'bearer') return value;
  if (scheme.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon >= 0 ? decoded.slice(colon + 1) : undefined;
  }
  return undefined;
}

/**
 * A preHandler that admits only the admin token (`encrypt.admin-token`). Without a configured
 * token nobody is admitted. Compared in constant time.
 */
export function requireAdminToken(token: string | undefined) {
  const expected = token ? digest(token) : undefined;
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const given = presented(request.headers.authorization);
    if (expected && given !== undefined && timingSafeEqual(digest(given), expected)) return;
    reply.header('www-authenticate', 'Bearer realm="phzzk-config", Basic realm="phzzk-config"');
    throw new ProblemError(
      401,
      'UNAUTHORIZED',
      expected
        ? 'this endpoint needs the admin token (Authorization: Bearer <token>)'
        : 'no admin token is configured (encrypt.admin-token / ENCRYPT_ADMIN_TOKEN), so this endpoint is closed',
    );
  };
}
