import { Redis } from 'ioredis';

export type { Redis };

/**
 * A Redis client that reconnects forever with capped backoff and never throws on a lost connection.
 * Commands issued in the same tick go out in one write (auto-pipelining): under load, a request a
 * command, each with its own socket write, showed as the largest cost in the services' profiles.
 */
export function createRedis(url: string, name: string): Redis {
  const client = new Redis(url, {
    connectionName: name,
    lazyConnect: false,
    enableAutoPipelining: true,
    maxRetriesPerRequest: 2,
    enableOfflineQueue: true,
    retryStrategy: (times) => Math.min(times * 200, 5000),
  });
  client.on('error', () => {});
  return client;
}

export async function redisHealth(client: Redis): Promise<{ ok: boolean; detail?: string }> {
  if (client.status !== 'ready') return { ok: false, detail: `connection ${client.status}` };
  try {
    await client.ping();
    return { ok: true };
  } catch (error) {
    return { ok: false, detail: (error as Error).message };
  }
}
