import { notFound } from '@phzzk/kit';
import type { FastifyInstance } from 'fastify';
import type { Registry } from '../domain/registry.ts';
import { encodeApplication, encodeApplications } from '../domain/applications-codec.ts';
import { encodeInstance } from '../domain/instance-codec.ts';
import { type AppParams, type InstanceParams, sendWire, unknownApplication, unknownInstance } from './eureka-http.ts';

/** The read side of Eureka's API: the registry, its delta, applications, instances and VIPs. */
export function queryRoutes(registry: Registry) {
  return async (app: FastifyInstance) => {
    const meta = () => ({ version: registry.version, hashCode: registry.hashCode() });

    app.get('/apps', async (request, reply) =>
      sendWire(request, reply, 'applications', (f) => encodeApplications(registry.list(), meta(), f)),
    );

    // Changes of the last few minutes with their actionType; apps__hashcode is of the whole
    // registry, so a client can tell whether applying the delta brought it in sync.
    app.get('/apps/delta', async (request, reply) =>
      sendWire(request, reply, 'applications', (f) =>
        encodeApplications(
          registry.recentChanges().map((c) => c.instance),
          meta(),
          f,
        ),
      ),
    );

    app.get<{ Params: AppParams }>('/apps/:app', async (request, reply) => {
      const instances = registry.application(request.params.app);
      if (!instances) throw unknownApplication(request.params.app);
      return sendWire(request, reply, 'application', (f) =>
        encodeApplication(request.params.app.toUpperCase(), instances, f),
      );
    });

    app.get<{ Params: InstanceParams }>('/apps/:app/:id', async (request, reply) => {
      const instance = registry.get(request.params.app, request.params.id);
      if (!instance) throw unknownInstance(request.params.app, request.params.id);
      return sendWire(request, reply, 'instance', (f) => encodeInstance(instance, f));
    });

    app.get<{ Params: { id: string } }>('/instances/:id', async (request, reply) => {
      const instance = registry.findById(request.params.id);
      if (!instance) throw notFound('INSTANCE_NOT_FOUND', `No instance ${request.params.id} is registered`);
      return sendWire(request, reply, 'instance', (f) => encodeInstance(instance, f));
    });

    app.get<{ Params: { vip: string } }>('/vips/:vip', async (request, reply) =>
      sendWire(request, reply, 'applications', (f) =>
        encodeApplications(registry.byVip(request.params.vip), meta(), f),
      ),
    );

    app.get<{ Params: { vip: string } }>('/svips/:vip', async (request, reply) =>
      sendWire(request, reply, 'applications', (f) =>
        encodeApplications(registry.byVip(request.params.vip, true), meta(), f),
      ),
    );
  };
}
