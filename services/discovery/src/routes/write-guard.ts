import { forbidden, ProblemError, REGISTERED_BY_METADATA } from '@phzzk/kit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { DiscoveryCaller, DiscoveryCredentials } from '../domain/credentials.ts';
import type { Registry } from '../domain/registry.ts';
import { isReplication } from './eureka-http.ts';

const callers = new WeakMap<FastifyRequest, DiscoveryCaller>();

/**
 * Reads stay open (they never carry credentials); every write (register, renew, cancel, status,
 * metadata, replication) needs HTTP Basic credentials, and replication the platform's own.
 * Without configured credentials (`discovery.security.enabled=false`) nothing is checked.
 */
export function installWriteGuard(scope: FastifyInstance, credentials: DiscoveryCredentials | undefined): void {
  if (!credentials) return;
  scope.addHook('onRequest', async (request, reply) => {
    if (request.method === 'GET' || request.method === 'HEAD') return;
    const caller = credentials.verify(request.headers.authorization);
    if (!caller) {
      reply.header('www-authenticate', 'Basic realm="phzzk-discovery", charset="UTF-8"');
      throw new ProblemError(
        401,
        'UNAUTHORIZED',
        'Writes to discovery need HTTP Basic credentials: give them in the discovery URL, http://user:password@host:8761/eureka',
      );
    }
    const replicating = isReplication(request) || request.routeOptions.url?.endsWith('/peerreplication/batch');
    if (replicating && !caller.platform) {
      throw forbidden('REPLICATION_FORBIDDEN', 'Only discovery peers (the platform credential) may replicate');
    }
    callers.set(request, caller);
  });
}

/** The authenticated caller of a write; undefined when discovery runs without credentials. */
export const callerOf = (request: FastifyRequest): DiscoveryCaller | undefined => callers.get(request);

/**
 * An instance is changed only by the credential that registered it (peers replicating excepted:
 * they carry the original registrant along).
 */
export function assertOwner(registry: Registry, request: FastifyRequest, app: string, id: string): void {
  const caller = callerOf(request);
  if (!caller || isReplication(request)) return;
  const owner = registry.get(app, id)?.info.metadata[REGISTERED_BY_METADATA];
  if (owner !== undefined && owner !== caller.name) {
    throw forbidden('NOT_OWNER', `Instance ${id} of ${app.toUpperCase()} was registered by another credential`);
  }
}
