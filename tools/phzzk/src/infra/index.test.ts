import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureInfra, infraStatus, stopInfra } from './index.ts';
import { fakeServer, freePort } from './test-servers.ts';

const root = mkdtempSync(join(tmpdir(), 'phzzk-index-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const none = { postgres: false, redis: false, kafka: false, ffmpeg: false };

describe('ensureInfra', () => {
  it('returns the endpoints from the environment and only checks what is needed', async () => {
    const result = await ensureInfra({
      root,
      env: { DATABASE_URL: 'postgres://app@127.0.0.1:1/app', KAFKA_BROKERS: '127.0.0.1:2,127.0.0.1:3' },
      log: () => {},
      need: none,
    });
    expect(result).toEqual({
      endpoints: {
        databaseUrl: 'postgres://app@127.0.0.1:1/app',
        redisUrl: 'redis://127.0.0.1:6379',
        kafkaBrokers: ['127.0.0.1:2', '127.0.0.1:3'],
      },
      components: [],
    });
  });

  it('refuses ports held by something that is not the expected server, naming each', async () => {
    const http = await fakeServer((_d, socket) => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    try {
      const url = `127.0.0.1:${http.port}`;
      const attempt = ensureInfra({
        root,
        env: { DATABASE_URL: `postgres://postgres@${url}/postgres`, REDIS_URL: `redis://${url}`, KAFKA_BROKERS: url },
        log: () => {},
        need: { ...none, postgres: true, redis: true, kafka: true },
      });
      await expect(attempt).rejects.toThrow(/not PostgreSQL[\s\S]*not Redis[\s\S]*not answer as a Kafka broker/);
    } finally {
      await http.close();
    }
  });

  it('does not try to start servers for remote addresses', async () => {
    const attempt = ensureInfra({
      root,
      env: { KAFKA_BROKERS: `kafka-1.invalid:${await freePort()},kafka-2.invalid:9092` },
      log: () => {},
      need: { ...none, kafka: true },
    });
    await expect(attempt).rejects.toThrow(/single local address/);
  });

  it('finds the binaries it is asked for', async () => {
    const { components } = await ensureInfra({ root, env: {}, log: () => {}, need: { ...none, ffmpeg: true } });
    expect(components).toEqual([{ name: 'ffmpeg', endpoint: expect.stringMatching(/ffmpeg$/), state: 'reused' }]);
  });
});

describe('stopInfra and infraStatus with nothing started', () => {
  it('stops nothing and reports what it finds', async () => {
    const lines: string[] = [];
    await stopInfra({ root, log: (l) => lines.push(l) });
    expect(lines).toEqual(['nothing started by phzzk is running']);
    const port = await freePort();
    const status = await infraStatus({
      root,
      env: {
        DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/postgres`,
        REDIS_URL: `redis://127.0.0.1:${port}`,
        KAFKA_BROKERS: `127.0.0.1:${port}`,
      },
    });
    expect(status.map((s) => [s.name, s.state])).toEqual([
      ['postgres', 'down'],
      ['redis', 'down'],
      ['kafka', 'down'],
      ['ffmpeg', expect.stringMatching(/reused|down/)],
    ]);
  });
});
