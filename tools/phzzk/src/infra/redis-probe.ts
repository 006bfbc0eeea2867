import type { HostPort } from './endpoints.ts';
import { type ProbeState, probeStateOf, tcpExchange } from './tcp-probe.ts';

/**
 * Classifies the reply to an inline `PING`. Redis answers +PONG, or an error when it wants a
 * password (still Redis, reachable) or is loading its dataset (not serving yet).
 */
export function classifyRedisReply(data: Buffer): ProbeState | 'incomplete' {
  const end = data.indexOf('\r\n');
  if (end < 0) return data.length > 512 ? 'foreign' : 'incomplete';
  const line = data.toString('utf8', 0, end);
  if (line === '+PONG') return 'ready';
  if (line.startsWith('-LOADING')) return 'starting';
  if (/^-(NOAUTH|WRONGPASS|NOPERM)\b/.test(line)) return 'ready';
  return 'foreign';
}

export async function probeRedis(target: HostPort, timeoutMs = 2000): Promise<ProbeState> {
  const result = await tcpExchange(target, Buffer.from('PING\r\n'), {
    timeoutMs,
    isComplete: (d) => classifyRedisReply(d) !== 'incomplete',
  });
  return probeStateOf(result, classifyRedisReply);
}
