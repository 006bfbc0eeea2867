import { describe, expect, it } from 'vitest';
import {
  DEFAULT_DATABASE_URL,
  formatHostPort,
  isLocalHost,
  parseBroker,
  parsePostgresUrl,
  parseRedisUrl,
  resolveEndpoints,
} from './endpoints.ts';

describe('resolveEndpoints', () => {
  it('falls back to the local defaults, ignoring empty values', () => {
    expect(resolveEndpoints({ REDIS_URL: '  ' })).toEqual({
      databaseUrl: DEFAULT_DATABASE_URL,
      redisUrl: 'redis://127.0.0.1:6379',
      kafkaBrokers: ['127.0.0.1:9092'],
    });
  });

  it('takes the environment and splits the broker list', () => {
    const e = resolveEndpoints({
      DATABASE_URL: 'postgres://u@db:1/x',
      REDIS_URL: 'redis://r:2',
      KAFKA_BROKERS: 'a:1, b:2,',
    });
    expect(e).toEqual({ databaseUrl: 'postgres://u@db:1/x', redisUrl: 'redis://r:2', kafkaBrokers: ['a:1', 'b:2'] });
  });
});

describe('parsePostgresUrl', () => {
  it('reads the default URL', () => {
    expect(parsePostgresUrl(DEFAULT_DATABASE_URL)).toEqual({
      host: '127.0.0.1',
      port: 5432,
      user: 'postgres',
      password: undefined,
      database: 'postgres',
    });
  });

  it('decodes credentials and defaults the port and the database (to the user, as libpq does)', () => {
    expect(parsePostgresUrl('postgresql://app%40x:p%2Fw@localhost')).toEqual({
      host: 'localhost',
      port: 5432,
      user: 'app@x',
      password: 'p/w',
      database: 'app@x',
    });
  });

  it('unbrackets IPv6 hosts', () => {
    expect(parsePostgresUrl('postgres://postgres@[::1]:15432/phzzk')).toMatchObject({
      host: '::1',
      port: 15432,
      database: 'phzzk',
    });
  });

  it('rejects other schemes and garbage', () => {
    expect(() => parsePostgresUrl('mysql://x@h/db')).toThrow(/DATABASE_URL/);
    expect(() => parsePostgresUrl('not a url')).toThrow(/not a URL/);
  });
});

describe('parseRedisUrl', () => {
  it('reads host, port and password', () => {
    expect(parseRedisUrl('redis://127.0.0.1:6379')).toEqual({ host: '127.0.0.1', port: 6379, password: undefined });
    expect(parseRedisUrl('redis://:secret@cache')).toEqual({ host: 'cache', port: 6379, password: 'secret' });
  });

  it('rejects a bad port', () => {
    expect(() => parseRedisUrl('redis://h:99999')).toThrow();
  });
});

describe('parseBroker', () => {
  it('reads host:port, [v6]:port and bare hosts', () => {
    expect(parseBroker('127.0.0.1:9092')).toEqual({ host: '127.0.0.1', port: 9092 });
    expect(parseBroker('[::1]:19092')).toEqual({ host: '::1', port: 19092 });
    expect(parseBroker('kafka')).toEqual({ host: 'kafka', port: 9092 });
  });

  it('rejects what is not an address', () => {
    expect(() => parseBroker('a:b:c')).toThrow(/KAFKA_BROKERS/);
    expect(() => parseBroker('h:0')).toThrow(/invalid port/);
  });
});

describe('hosts', () => {
  it('knows which hosts are this machine', () => {
    expect(['localhost', '127.0.0.1', '127.1.2.3', '::1', '0.0.0.0'].every(isLocalHost)).toBe(true);
    expect(['db.example.com', '10.0.0.1'].some(isLocalHost)).toBe(false);
  });

  it('formats IPv6 with brackets', () => {
    expect(formatHostPort({ host: '::1', port: 1 })).toBe('[::1]:1');
    expect(formatHostPort({ host: 'h', port: 2 })).toBe('h:2');
  });
});
