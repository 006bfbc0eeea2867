import { badRequest, notFound } from '@phzzk/kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type InstanceStatus, isInstanceStatus } from '../domain/instance.ts';
import { responseFormat } from '../domain/content-negotiation.ts';
import type { WireFormat, WireObject } from '../domain/instance-codec.ts';
import { REPLICATION_HEADER } from '../domain/replication-queue.ts';
import { toXml } from '../domain/xml-codec.ts';

// Small helpers shared by the Eureka route files: headers, query values and negotiated replies.

export const isReplication = (request: FastifyRequest) => request.headers[REPLICATION_HEADER] === 'true';

/** Sends `{ root: tree }` as JSON or XML, as the Accept header asks (XML by default, as Eureka). */
export function sendWire(
  request: FastifyRequest,
  reply: FastifyReply,
  root: string,
  tree: (format: WireFormat) => WireObject,
  status = 200,
) {
  reply.code(status).header('vary', 'accept');
  const format = responseFormat(request.headers.accept);
  if (format === 'json') return reply.type('application/json').send(JSON.stringify({ [root]: tree(format) }));
  return reply.type('application/xml').send(toXml(root, tree(format)));
}

export function queryStatus(value: unknown, name: string): InstanceStatus | undefined {
  if (value === undefined || value === '') return undefined;
  const upper = typeof value === 'string' ? value.toUpperCase() : value;
  if (!isInstanceStatus(upper)) {
    throw badRequest('INVALID_STATUS', `${name} must be one of UP, DOWN, STARTING, OUT_OF_SERVICE, UNKNOWN`);
  }
  return upper;
}

export function queryTimestamp(value: unknown, name: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || !/^\d{1,16}$/.test(value))
    throw badRequest('INVALID_TIMESTAMP', `${name} must be epoch milliseconds`);
  return Number(value);
}

export const unknownInstance = (app: string, id: string) =>
  notFound('INSTANCE_NOT_FOUND', `No instance ${id} of application ${app.toUpperCase()} is registered`);

export const unknownApplication = (app: string) =>
  notFound('APPLICATION_NOT_FOUND', `No application ${app.toUpperCase()} is registered`);

export type AppParams = { app: string };
export type InstanceParams = { app: string; id: string };
export type Query = Record<string, string | string[] | undefined>;
