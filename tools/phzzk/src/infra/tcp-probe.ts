import { connect } from 'node:net';
import type { HostPort } from './endpoints.ts';

export interface ExchangeResult {
  /** false: nothing accepted the connection (nobody listens there) */
  connected: boolean;
  /** true when `isComplete` accepted the bytes received */
  complete: boolean;
  data: Buffer;
}

/**
 * Connects, writes `request` and collects the reply until `isComplete` says it is whole, the peer
 * closes, or the timeout passes. Never rejects: the caller classifies the outcome.
 */
export function tcpExchange(
  target: HostPort,
  request: Buffer,
  opts: { timeoutMs: number; isComplete: (data: Buffer) => boolean },
): Promise<ExchangeResult> {
  return new Promise((resolvePromise) => {
    let connected = false;
    let data = Buffer.alloc(0);
    let settled = false;
    const socket = connect({ host: target.host, port: target.port });
    const finish = (complete: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolvePromise({ connected, complete, data });
    };
    const timer = setTimeout(() => finish(false), opts.timeoutMs);
    socket.on('connect', () => {
      connected = true;
      if (request.length > 0) socket.write(request);
      else finish(true);
    });
    socket.on('data', (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      if (opts.isComplete(data)) finish(true);
    });
    socket.on('error', () => finish(false));
    socket.on('close', () => finish(false));
  });
}

/** Whether anything accepts TCP connections at the address. */
export async function canConnect(target: HostPort, timeoutMs = 1000): Promise<boolean> {
  const result = await tcpExchange(target, Buffer.alloc(0), { timeoutMs, isComplete: () => true });
  return result.connected;
}

/**
 * What a protocol probe found at an address. 'closed': nothing listens; 'silent': something
 * accepted the connection but gave no whole answer in time; 'foreign': it answered in another
 * protocol; 'starting': the right server, not serving yet; 'ready': the right server, serving.
 */
export type ProbeState = 'ready' | 'starting' | 'silent' | 'foreign' | 'closed';

export function probeStateOf(
  result: ExchangeResult,
  classify: (data: Buffer) => ProbeState | 'incomplete',
): ProbeState {
  if (!result.connected) return 'closed';
  const state = classify(result.data);
  if (state !== 'incomplete') return state;
  return result.data.length === 0 ? 'silent' : 'foreign';
}
