import { createHash, timingSafeEqual } from 'node:crypto';
import { ProblemError } from '@phzzk/kit';
import type { FastifyReply, FastifyRequest } from 'fastify';

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

export interface ReadCredentials {
  username: string;
  password: string;
}

/**
 * An onRequest hook that admits only HTTP Basic with the configured user and password, as Spring
 * Cloud Config Server behind Spring Security: the configuration holds decrypted secrets.
 */
export function requireReadCredentials(credentials: ReadCredentials) {
  const expected = digest(`${credentials.username}:${credentials.password}`);
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(request.headers.authorization ?? '');
    const given = match ? Buffer.from(match[1] as string, 'base64').toString('utf8') : '\0none';
    if (timingSafeEqual(digest(given), expected)) return;
    reply.header('www-authenticate', 'Basic realm="phzzk-config", charset="UTF-8"');
    throw new ProblemError(
      401,
      'UNAUTHORIZED',
      'Reading configuration needs HTTP Basic credentials: give them in the config URI, http://user:password@host:8888',
    );
  };
}
