import type { HostPort } from './endpoints.ts';
import { type ProbeState, probeStateOf, tcpExchange } from './tcp-probe.ts';

// The smallest request every Kafka broker answers: ApiVersions (key 18) v0, request header v1,
// empty body. A broker that no longer supports v0 still answers in v0 format with error 35.
const API_VERSIONS = 18;
const UNSUPPORTED_VERSION = 35;
const MAX_RESPONSE = 1 << 20;

export interface ApiVersion {
  apiKey: number;
  minVersion: number;
  maxVersion: number;
}

export interface ApiVersionsResponse {
  correlationId: number;
  errorCode: number;
  apiVersions: ApiVersion[];
}

export function encodeApiVersionsRequest(correlationId: number, clientId = 'phzzk-probe'): Buffer {
  const client = Buffer.from(clientId, 'utf8');
  const message = Buffer.alloc(4 + 2 + 2 + 4 + 2 + client.length);
  let at = message.writeInt32BE(message.length - 4, 0);
  at = message.writeInt16BE(API_VERSIONS, at);
  at = message.writeInt16BE(0, at);
  at = message.writeInt32BE(correlationId, at);
  at = message.writeInt16BE(client.length, at);
  client.copy(message, at);
  return message;
}

/**
 * Decodes a size-prefixed ApiVersions v0 response (response header v0: correlation id only).
 * Returns undefined while bytes are missing; throws when the bytes cannot be a Kafka response.
 */
export function decodeApiVersionsResponse(data: Buffer): ApiVersionsResponse | undefined {
  if (data.length < 4) return undefined;
  const size = data.readInt32BE(0);
  if (size < 10 || size > MAX_RESPONSE) throw new Error(`not a Kafka response (size ${size})`);
  if (data.length < 4 + size) return undefined;
  const correlationId = data.readInt32BE(4);
  const errorCode = data.readInt16BE(8);
  const count = data.readInt32BE(10);
  if (count < 0 || 10 + 6 * count > size) throw new Error(`not a Kafka response (array of ${count})`);
  const apiVersions: ApiVersion[] = [];
  for (let i = 0, at = 14; i < count; i++, at += 6) {
    apiVersions.push({
      apiKey: data.readInt16BE(at),
      minVersion: data.readInt16BE(at + 2),
      maxVersion: data.readInt16BE(at + 4),
    });
  }
  return { correlationId, errorCode, apiVersions };
}

export function classifyApiVersionsReply(data: Buffer, correlationId: number): ProbeState | 'incomplete' {
  let response: ApiVersionsResponse | undefined;
  try {
    response = decodeApiVersionsResponse(data);
  } catch {
    return 'foreign';
  }
  if (!response) return 'incomplete';
  if (response.correlationId !== correlationId) return 'foreign';
  if (response.errorCode === 0 || response.errorCode === UNSUPPORTED_VERSION) {
    return response.apiVersions.some((v) => v.apiKey === API_VERSIONS) || response.errorCode !== 0
      ? 'ready'
      : 'foreign';
  }
  return 'starting';
}

/**
 * Asks the broker for its API versions. A broker binds its port before it processes requests, so
 * an open port alone does not mean it serves; an answer does.
 */
export async function probeKafka(target: HostPort, timeoutMs = 2000): Promise<ProbeState> {
  const correlationId = (Math.random() * 0x7fffffff) | 0;
  const result = await tcpExchange(target, encodeApiVersionsRequest(correlationId), {
    timeoutMs,
    isComplete: (d) => classifyApiVersionsReply(d, correlationId) !== 'incomplete',
  });
  return probeStateOf(result, (d) => classifyApiVersionsReply(d, correlationId));
}
