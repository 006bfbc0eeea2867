import { badRequest } from '@phzzk/kit';
import type { FastifyInstance } from 'fastify';
import type { DiscoveryNode } from '../domain/discovery-node.ts';
import { type InstanceStatus, isInstanceStatus } from '../domain/instance.ts';
import type { Clock } from '../domain/registry.ts';
import { decodeInstance, encodeInstance, isObject, type WireObject } from '../domain/instance-codec.ts';

const MAX_BATCH = 10_000;

const statusOf = (value: unknown): InstanceStatus | undefined => {
  const upper = typeof value === 'string' ? value.toUpperCase() : undefined;
  return isInstanceStatus(upper) ? upper : undefined;
};
const timestampOf = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isSafeInteger(value)
    ? value
    : typeof value === 'string' && /^\d{1,16}$/.test(value)
      ? Number(value)
      : undefined;

/**
 * `POST /eureka/peerreplication/batch`: Eureka's batched peer replication. Every item is applied
 * as a replica (never replicated again) and answered with its own status code, as the single
 * endpoints would have answered it; one bad item does not fail the batch.
 */
export function replicationRoutes(node: DiscoveryNode, clock: Clock) {
  const apply = (item: unknown): { statusCode: number; responseEntity?: WireObject } => {
    if (!isObject(item) || typeof item.appName !== 'string' || typeof item.id !== 'string') return { statusCode: 400 };
    const { appName, id } = item;
    const lastDirtyTimestamp = timestampOf(item.lastDirtyTimestamp);
    switch (item.action) {
      case 'Register': {
        try {
          const info = decodeInstance(item.instanceInfo, clock());
          if (info.app !== appName.toUpperCase()) return { statusCode: 400 };
          node.register(info, true);
          return { statusCode: 204 };
        } catch {
          return { statusCode: 400 };
        }
      }
      case 'Heartbeat': {
        const result = node.renew(appName, id, {
          status: statusOf(item.status),
          lastDirtyTimestamp,
          replication: true,
        });
        if (result.kind === 'not-found') return { statusCode: 404 };
        if (result.kind === 'conflict')
          return { statusCode: 409, responseEntity: encodeInstance(result.instance, 'json') };
        return { statusCode: 200 };
      }
      case 'Cancel':
        return { statusCode: node.cancel(appName, id, true) ? 200 : 404 };
      case 'StatusUpdate': {
        const status = statusOf(item.status);
        if (!status) return { statusCode: 400 };
        return { statusCode: node.setStatusOverride(appName, id, status, lastDirtyTimestamp, true) ? 200 : 404 };
      }
      case 'DeleteStatusOverride':
        return {
          statusCode: node.deleteStatusOverride(appName, id, statusOf(item.status), lastDirtyTimestamp, true)
            ? 200
            : 404,
        };
      default:
        return { statusCode: 400 };
    }
  };

  return async (app: FastifyInstance) => {
    app.post('/peerreplication/batch', { bodyLimit: 16 * 1024 * 1024 }, async (request) => {
      const body = request.body;
      const list = isObject(body) ? body.replicationList : undefined;
      if (!Array.isArray(list)) throw badRequest('INVALID_REPLICATION', 'The body must be {"replicationList": [...]}');
      if (list.length > MAX_BATCH) throw badRequest('INVALID_REPLICATION', `At most ${MAX_BATCH} items per batch`);
      return { responseList: list.map(apply) };
    });
  };
}
