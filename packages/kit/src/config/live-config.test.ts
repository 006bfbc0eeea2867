import Type from 'typebox';
import { describe, expect, it } from 'vitest';
import { envNamesFor } from './env-names.ts';
import { ConfigError, LiveConfig } from './live-config.ts';

const schema = Type.Object({
  'server.port': Type.Integer({ default: 0, minimum: 0, maximum: 65535 }),
  'kafka.brokers': Type.Array(Type.String(), { default: ['127.0.0.1:9092'] }),
  'gateway.discovery-locator.enabled': Type.Boolean({ default: false }),
  'greeting.text': Type.String({ default: 'hello' }),
  'database.url': Type.String({ pattern: '^postgres://' }),
});

describe('LiveConfig', () => {
  it('layers defaults < config server < environment', () => {
    const config = new LiveConfig(
      schema,
      { SERVER_PORT: '8080', DATABASE_URL: 'postgres://x', GATEWAY_DISCOVERY_LOCATOR_ENABLED: 'true' },
      { 'server.port': 9000, 'greeting.text': 'from server', 'kafka.brokers': 'a:1,b:2' },
      'v1',
    );
    expect(config.values).toEqual({
      'server.port': 8080,
      'kafka.brokers': ['a:1', 'b:2'],
      'gateway.discovery-locator.enabled': true,
      'greeting.text': 'from server',
      'database.url': 'postgres://x',
    });
    expect(config.version).toBe('v1');
  });

  it('names the bad key and its environment variable', () => {
    expect(() => new LiveConfig(schema, { SERVER_PORT: 'eighty', DATABASE_URL: 'postgres://x' })).toThrow(
      /server\.port.*SERVER_PORT/,
    );
    try {
      new LiveConfig(schema, { SERVER_PORT: '70000' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).keys.sort()).toEqual(['database.url', 'server.port']);
    }
  });

  it('applies a new server layer live and tells listeners what changed', async () => {
    const config = new LiveConfig(schema, { DATABASE_URL: 'postgres://x' });
    const seen: string[][] = [];
    config.onChange((_next, changed) => {
      seen.push(changed);
    });
    const changed = await config.applyServerLayer({ 'greeting.text': 'hi' }, 'v2');
    expect(changed).toEqual(['greeting.text']);
    expect(config.get('greeting.text')).toBe('hi');
    expect(config.version).toBe('v2');
    expect(seen).toEqual([['greeting.text']]);
    expect(await config.applyServerLayer({ 'greeting.text': 'hi' }, 'v3')).toEqual([]);
    expect(seen).toHaveLength(1);
  });

  it('keeps the values in force when a new layer is invalid', async () => {
    const config = new LiveConfig(schema, { DATABASE_URL: 'postgres://x' }, { 'server.port': 1 }, 'v1');
    await expect(config.applyServerLayer({ 'server.port': 'nope' }, 'v2')).rejects.toThrow(/server\.port/);
    expect(config.get('server.port')).toBe(1);
    expect(config.version).toBe('v1');
  });

  it('maps keys to environment names like Spring relaxed binding', () => {
    expect(envNamesFor('gateway.discovery-locator.enabled')).toEqual([
      'GATEWAY_DISCOVERY_LOCATOR_ENABLED',
      'GATEWAY_DISCOVERYLOCATOR_ENABLED',
    ]);
  });
});

describe('indexed list keys', () => {
  const listSchema = Type.Object({
    'gateway.routes': Type.Array(
      Type.Object({ path: Type.String(), service: Type.String(), tags: Type.Optional(Type.Array(Type.String())) }),
      { default: [] },
    ),
  });

  it('rebuilds lists of objects from Spring-flattened keys', () => {
    const config = new LiveConfig(
      listSchema,
      {},
      {
        'gateway.routes[1].path': '/b/**',
        'gateway.routes[0].path': '/a/**',
        'gateway.routes[0].service': 'a',
        'gateway.routes[0].tags[0]': 'x',
        'gateway.routes[1].service': 'b',
      },
    );
    expect(config.get('gateway.routes')).toEqual([
      { path: '/a/**', service: 'a', tags: ['x'] },
      { path: '/b/**', service: 'b' },
    ]);
  });

  it('reads a JSON list from the environment', () => {
    const config = new LiveConfig(listSchema, { GATEWAY_ROUTES: '[{"path":"/c/**","service":"c"}]' });
    expect(config.get('gateway.routes')).toEqual([{ path: '/c/**', service: 'c' }]);
  });
});
