import { afterEach, describe, expect, it } from 'vitest';
import { classifyPostgresReply, encodeStartupMessage, postgresErrorCode, probePostgres } from './postgres-probe.ts';
import { classifyRedisReply, probeRedis } from './redis-probe.ts';
import { fakeServer } from './test-servers.ts';

function pgMessage(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeInt32BE(4 + body.length, 1);
  return Buffer.concat([head, body]);
}

function pgError(code: string): Buffer {
  return pgMessage('E', Buffer.from(`SFATAL\0C${code}\0Msome message\0\0`));
}

describe('PostgreSQL probe', () => {
  it('encodes a protocol 3.0 startup message', () => {
    const msg = encodeStartupMessage('postgres', 'db');
    expect(msg.readInt32BE(0)).toBe(msg.length);
    expect(msg.readInt32BE(4)).toBe(196608);
    expect(msg.subarray(8).toString()).toBe('user\0postgres\0database\0db\0\0');
  });

  it('classifies the first server message', () => {
    const authOk = pgMessage('R', Buffer.from([0, 0, 0, 0]));
    const ready = pgMessage('Z', Buffer.from('I'));
    const param = pgMessage('S', Buffer.from('server_version\x0015\x00'));
    expect(classifyPostgresReply(authOk)).toBe('incomplete'); // the database check comes after
    expect(classifyPostgresReply(Buffer.concat([authOk, param, ready]))).toBe('ready');
    expect(classifyPostgresReply(Buffer.concat([authOk, pgError('3D000')]))).toBe('ready');
    expect(postgresErrorCode(Buffer.concat([authOk, pgError('3D000')]))).toBe('3D000');
    expect(classifyPostgresReply(pgMessage('R', Buffer.from([0, 0, 0, 10, 1])))).toBe('ready'); // SASL wanted
    expect(classifyPostgresReply(pgError('57P03'))).toBe('starting');
    expect(classifyPostgresReply(pgError('28000'))).toBe('ready'); // unknown role: still PostgreSQL
    expect(classifyPostgresReply(pgError('57P03').subarray(0, 8))).toBe('incomplete');
    expect(classifyPostgresReply(Buffer.from('-ERR unknown command\r\n'))).toBe('foreign');
    expect(classifyPostgresReply(Buffer.from('HTTP/1.1 400'))).toBe('foreign');
  });

  it('reads the SQLSTATE of an error reply', () => {
    expect(postgresErrorCode(pgError('3D000'))).toBe('3D000');
    expect(postgresErrorCode(pgMessage('R', Buffer.from([0, 0, 0, 0])))).toBeUndefined();
    expect(postgresErrorCode(pgError('3D000').subarray(0, 9))).toBeUndefined();
    expect(postgresErrorCode(Buffer.from('HTTP/1.1 400 Bad Request'))).toBeUndefined();
  });

  it('probes over TCP', async () => {
    const server = await fakeServer((_d, socket) => socket.write(pgError('57P03')));
    try {
      expect(await probePostgres({ host: '127.0.0.1', port: server.port, user: 'u', database: 'd' })).toBe('starting');
    } finally {
      await server.close();
    }
  });
});

describe('Redis probe', () => {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await Promise.all(closers.splice(0).map((c) => c()));
  });

  it('classifies replies to PING', () => {
    expect(classifyRedisReply(Buffer.from('+PONG\r\n'))).toBe('ready');
    expect(classifyRedisReply(Buffer.from('-NOAUTH Authentication required.\r\n'))).toBe('ready');
    expect(classifyRedisReply(Buffer.from('-LOADING Redis is loading the dataset in memory\r\n'))).toBe('starting');
    expect(classifyRedisReply(Buffer.from('+PO'))).toBe('incomplete');
    expect(classifyRedisReply(Buffer.from('HTTP/1.1 400 Bad Request\r\n'))).toBe('foreign');
    expect(classifyRedisReply(Buffer.from('-ERR unknown command\r\n'))).toBe('foreign');
  });

  it('probes over TCP', async () => {
    const redis = await fakeServer((_d, socket) => socket.write('+PONG\r\n'));
    const http = await fakeServer((_d, socket) => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    closers.push(redis.close, http.close);
    expect(await probeRedis({ host: '127.0.0.1', port: redis.port })).toBe('ready');
    expect(await probeRedis({ host: '127.0.0.1', port: http.port })).toBe('foreign');
  });
});
