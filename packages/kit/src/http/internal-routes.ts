import type { ServiceApp } from './build-app.ts';
import { callingService } from './caller.ts';
import { forbidden, unauthorized } from './problem-error.ts';

export interface InternalRoutesOptions {
  /** The services allowed to call these routes (default: any service with a valid credential). */
  callers?: readonly string[];
}

/**
 * Registers a service's service-to-service routes under the `/internal` prefix, as one Fastify
 * plugin whose guard runs for every route in it, however its URL was spelled (the guard is bound
 * to the routes, not to a URL test): the caller must present a signed service credential
 * (`ServiceTrust.internalHeaders`), and be one of `callers` when they are given. Answers are never
 * cached. Routes inside are declared without the prefix: `scope.get('/accounts/:id', …)`.
 */
export function internalRoutes(
  app: ServiceApp,
  routes: (scope: ServiceApp) => void | Promise<void>,
  options: InternalRoutesOptions = {},
): void {
  app.register(
    async (scope) => {
      scope.addHook('onRequest', async (request, reply) => {
        reply.header('cache-control', 'no-store');
        const service = callingService(request);
        if (!service) throw unauthorized('INTERNAL_AUTH_REQUIRED', 'Internal endpoints need a service credential.');
        if (options.callers && !options.callers.includes(service)) {
          throw forbidden('INTERNAL_CALLER_REFUSED', `Service ${service} may not call these endpoints.`);
        }
      });
      await routes(scope);
    },
    { prefix: '/internal' },
  );
}
