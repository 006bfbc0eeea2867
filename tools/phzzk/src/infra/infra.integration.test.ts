import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureInfra, infraStatus, stopInfra } from './index.ts';
import { decodeApiVersionsResponse, encodeApiVersionsRequest, probeKafka } from './kafka-probe.ts';
import { classifyPostgresReply, encodeStartupMessage, postgresErrorCode, probePostgres } from './postgres-probe.ts';
import { isRunning } from './process-registry.ts';
import { probeRedis } from './redis-probe.ts';
import { tcpExchange } from './tcp-probe.ts';
import { freePort, freePortPair } from './test-servers.ts';

// Real servers from this machine's binaries and the Kafka jars, on free ports in a throwaway
// root, so that nothing touches the servers at the default ports or the repo's own .phzzk/.
const root = mkdtempSync(join(tmpdir(), 'phzzk-infra-'));
const otherRoot = mkdtempSync(join(tmpdir(), 'phzzk-infra-other-'));
// As root, PostgreSQL runs as the postgres user, who must be able to reach the data dir.
chmodSync(root, 0o755);
const log = (line: string) => process.stdout.write(`  infra: ${line}\n`);
let env: NodeJS.ProcessEnv = {};
let ports = { postgres: 0, redis: 0, kafka: 0 };

beforeAll(async () => {
  // A released port can be handed out again: draw until the four (Kafka takes two) differ.
  do {
    ports = { postgres: await freePort(), redis: await freePort(), kafka: await freePortPair() };
  } while (new Set([ports.postgres, ports.redis, ports.kafka, ports.kafka + 1]).size < 4);
  env = {
    DATABASE_URL: `postgres://postgres@127.0.0.1:${ports.postgres}/phzzk_it`,
    REDIS_URL: `redis://127.0.0.1:${ports.redis}`,
    KAFKA_BROKERS: `127.0.0.1:${ports.kafka}`,
  };
});

afterAll(async () => {
  // Whatever happened above, no server outlives the test.
  await stopInfra({ root, log });
  rmSync(root, { recursive: true, force: true });
  rmSync(otherRoot, { recursive: true, force: true });
}, 60_000);

/** What the server says to a login into `database`: AuthenticationOk or the error's SQLSTATE. */
async function loginResult(database: string): Promise<string | undefined> {
  const reply = await tcpExchange(
    { host: '127.0.0.1', port: ports.postgres },
    encodeStartupMessage('postgres', database),
    {
      timeoutMs: 2000,
      isComplete: (d) => classifyPostgresReply(d) !== 'incomplete',
    },
  );
  // AuthenticationOk comes first; an error about the database follows it.
  return postgresErrorCode(reply.data) ?? (reply.data.readInt32BE(5) === 0 ? 'AuthenticationOk' : undefined);
}

const stateOf = (components: { name: string; state: string }[]) =>
  Object.fromEntries(components.map((c) => [c.name, c.state]));

describe('local infrastructure', () => {
  it('starts PostgreSQL, Redis and Kafka, reuses them, reports them and stops them', async () => {
    const need = { postgres: true, redis: true, kafka: true, ffmpeg: false };
    const first = await ensureInfra({ root, env, log, need });
    expect(stateOf(first.components)).toEqual({ postgres: 'started', redis: 'started', kafka: 'started' });
    expect(first.endpoints.kafkaBrokers).toEqual([`127.0.0.1:${ports.kafka}`]);

    // PostgreSQL: DATABASE_URL's database was created and the trust login succeeds.
    expect(await loginResult('phzzk_it')).toBe('AuthenticationOk');

    // Kafka: a real broker that serves Produce (0), Fetch (1), Metadata (3) and CreateTopics (19).
    const kafka = await tcpExchange({ host: '127.0.0.1', port: ports.kafka }, encodeApiVersionsRequest(42), {
      timeoutMs: 2000,
      isComplete: (d) => {
        try {
          return decodeApiVersionsResponse(d) !== undefined;
        } catch {
          return true;
        }
      },
    });
    const versions = decodeApiVersionsResponse(kafka.data);
    expect(versions?.correlationId).toBe(42);
    expect(versions?.apiVersions.map((v) => v.apiKey)).toEqual(expect.arrayContaining([0, 1, 3, 19]));

    // Again: everything is found running, with the same pids (nothing started twice).
    const second = await ensureInfra({ root, env, log, need });
    expect(stateOf(second.components)).toEqual({ postgres: 'running', redis: 'running', kafka: 'running' });
    expect(second.components.map((c) => c.pid)).toEqual(first.components.map((c) => c.pid));

    // From another checkout the same servers are someone else's: reused, and not stopped by it.
    // Its DATABASE_URL names a database that does not exist yet, which is created.
    const otherEnv = { ...env, DATABASE_URL: `postgres://postgres@127.0.0.1:${ports.postgres}/phzzk_other` };
    expect(await loginResult('phzzk_other')).toBe('3D000');
    const other = await ensureInfra({ root: otherRoot, env: otherEnv, log, need });
    expect(stateOf(other.components)).toEqual({ postgres: 'reused', redis: 'reused', kafka: 'reused' });
    expect(await loginResult('phzzk_other')).toBe('AuthenticationOk');
    await stopInfra({ root: otherRoot, log });

    const status = await infraStatus({ root, env });
    expect(stateOf(status)).toMatchObject({ postgres: 'running', redis: 'running', kafka: 'running' });

    await stopInfra({ root, log });
    for (const c of first.components) expect(isRunning(c.pid!), c.name).toBe(false);
    expect(
      await probePostgres({ host: '127.0.0.1', port: ports.postgres, user: 'postgres', database: 'postgres' }),
    ).toBe('closed');
    expect(await probeRedis({ host: '127.0.0.1', port: ports.redis })).toBe('closed');
    expect(await probeKafka({ host: '127.0.0.1', port: ports.kafka })).toBe('closed');
    expect(stateOf(await infraStatus({ root, env }))).toMatchObject({ postgres: 'down', redis: 'down', kafka: 'down' });
  }, 120_000);
});
