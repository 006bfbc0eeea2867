import { badRequest, REGISTERED_BY_METADATA } from '@phzzk/kit';
import type { FastifyInstance } from 'fastify';
import type { DiscoveryNode } from '../domain/discovery-node.ts';
import type { Clock } from '../domain/registry.ts';
import { decodeInstance, encodeInstance, isMetadataKey, isObject, WireError } from '../domain/instance-codec.ts';
import {
  type AppParams,
  type InstanceParams,
  isReplication,
  type Query,
  queryStatus,
  queryTimestamp,
  sendWire,
  unknownInstance,
} from './eureka-http.ts';
import { assertOwner, callerOf } from './write-guard.ts';

/** Register, heartbeat, cancel, status overrides and metadata: the write side of Eureka's API. */
export function registrationRoutes(node: DiscoveryNode, clock: Clock) {
  return async (app: FastifyInstance) => {
    app.post<{ Params: AppParams }>('/apps/:app', async (request, reply) => {
      // JSON carries the `instance` envelope; XML's root element is <instance>.
      const body = request.body;
      const raw = isObject(body) ? body.instance : undefined;
      if (raw === undefined) {
        throw badRequest(
          'INVALID_INSTANCE',
          'The body must be an instance: {"instance": {...}} or <instance>...</instance>',
        );
      }
      let info: ReturnType<typeof decodeInstance>;
      try {
        info = decodeInstance(raw, clock());
      } catch (error) {
        if (error instanceof WireError) {
          throw badRequest('INVALID_INSTANCE', error.message, { errors: error.problems });
        }
        throw error;
      }
      if (info.app !== request.params.app.toUpperCase()) {
        throw badRequest(
          'APP_MISMATCH',
          `Mismatched appName, expecting ${request.params.app.toUpperCase()} but was ${info.app}`,
        );
      }
      const replication = isReplication(request);
      assertOwner(node.registry, request, info.app, info.instanceId);
      const caller = callerOf(request);
      // The server, not the client, says who registered an instance (replicas carry the original's).
      if (caller && !replication)
        info = { ...info, metadata: { ...info.metadata, [REGISTERED_BY_METADATA]: caller.name } };
      node.register(info, replication);
      return reply.code(204).send();
    });

    app.put<{ Params: InstanceParams; Querystring: Query }>('/apps/:app/:id', async (request, reply) => {
      const { app: appName, id } = request.params;
      assertOwner(node.registry, request, appName, id);
      const result = node.renew(appName, id, {
        status: queryStatus(request.query.status, 'status'),
        lastDirtyTimestamp: queryTimestamp(request.query.lastDirtyTimestamp, 'lastDirtyTimestamp'),
        replication: isReplication(request),
      });
      if (result.kind === 'not-found') throw unknownInstance(appName, id);
      if (result.kind === 'conflict')
        return sendWire(request, reply, 'instance', (f) => encodeInstance(result.instance, f), 409);
      return reply.code(200).send();
    });

    app.delete<{ Params: InstanceParams }>('/apps/:app/:id', async (request, reply) => {
      const { app: appName, id } = request.params;
      assertOwner(node.registry, request, appName, id);
      if (!node.cancel(appName, id, isReplication(request))) throw unknownInstance(appName, id);
      return reply.code(200).send();
    });

    app.put<{ Params: InstanceParams; Querystring: Query }>('/apps/:app/:id/status', async (request, reply) => {
      const { app: appName, id } = request.params;
      assertOwner(node.registry, request, appName, id);
      const status = queryStatus(request.query.value, 'value');
      if (!status) throw badRequest('INVALID_STATUS', 'value is required, e.g. ?value=OUT_OF_SERVICE');
      const dirty = queryTimestamp(request.query.lastDirtyTimestamp, 'lastDirtyTimestamp');
      if (!node.setStatusOverride(appName, id, status, dirty, isReplication(request)))
        throw unknownInstance(appName, id);
      return reply.code(200).send();
    });

    app.delete<{ Params: InstanceParams; Querystring: Query }>('/apps/:app/:id/status', async (request, reply) => {
      const { app: appName, id } = request.params;
      assertOwner(node.registry, request, appName, id);
      const status = queryStatus(request.query.value, 'value');
      const dirty = queryTimestamp(request.query.lastDirtyTimestamp, 'lastDirtyTimestamp');
      if (!node.deleteStatusOverride(appName, id, status, dirty, isReplication(request)))
        throw unknownInstance(appName, id);
      return reply.code(200).send();
    });

    app.put<{ Params: InstanceParams; Querystring: Query }>('/apps/:app/:id/metadata', async (request, reply) => {
      const { app: appName, id } = request.params;
      assertOwner(node.registry, request, appName, id);
      const entries = Object.entries(request.query);
      if (entries.length === 0)
        throw badRequest('INVALID_METADATA', 'Give the metadata as query parameters, e.g. ?zone=a');
      const metadata: [string, string][] = [];
      for (const [key, value] of entries) {
        if (key === REGISTERED_BY_METADATA)
          throw badRequest('INVALID_METADATA', `${REGISTERED_BY_METADATA} is set by the server`);
        if (!isMetadataKey(key))
          throw badRequest('INVALID_METADATA', `"${key}" is not a valid metadata key (letters, digits, . _ : -)`);
        if (typeof value !== 'string') throw badRequest('INVALID_METADATA', `Give ${key} once`);
        metadata.push([key, value]);
      }
      if (!node.updateMetadata(appName, id, Object.fromEntries(metadata), isReplication(request))) {
        throw unknownInstance(appName, id);
      }
      return reply.code(200).send();
    });
  };
}
