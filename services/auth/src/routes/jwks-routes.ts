import { Jwks } from '@phzzk/contracts';
import type { ServiceApp } from '@phzzk/kit';
import type { PublicKeySet } from '../domain/ports.ts';

/** The public keys that verify access tokens: every key in the keyring, active or retiring. */
export function jwksRoutes(app: ServiceApp, keyring: () => PublicKeySet): void {
  for (const path of ['/api/auth/jwks.json', '/.well-known/jwks.json']) {
    app.get(path, { schema: { response: { 200: Jwks } } }, async (_request, reply) => {
      // Short cache: verifiers also refetch on an unknown kid, so a new key is seen at once.
      reply.header('cache-control', 'public, max-age=300');
      return keyring().jwks();
    });
  }
}
