import Type from 'typebox';
import { describe, expect, it } from 'vitest';
import { StaticDiscovery } from '../discovery/static-discovery.ts';
import { defineService, PLATFORM_VERSION, serviceConfig } from './define-service.ts';
import { startService } from './start-service.ts';

describe('serviceConfig', () => {
  it('holds the base keys, the blocks of the parts used and the service own keys', () => {
    const schema = serviceConfig(['database', 'redis'], { 'demo.limit': Type.Integer({ default: 3 }) });
    const keys = Object.keys(schema.properties);
    expect(keys).toEqual(expect.arrayContaining(['server.port', 'database.url', 'redis.url', 'demo.limit']));
    expect(keys).not.toContain('kafka.brokers');
  });

  it('lets a service key override a shared one (a fixed default port)', () => {
    const schema = serviceConfig([], { 'server.port': Type.Integer({ default: 8761 }) });
    expect((schema.properties['server.port'] as { default?: number }).default).toBe(8761);
    expect(Object.keys(schema.properties)).not.toContain('database.url');
  });
});

describe('defineService', () => {
  it('builds with the configuration values from the environment, and carries the platform version', async () => {
    const seen: number[] = [];
    const definition = defineService(
      'demo',
      serviceConfig([], { 'demo.limit': Type.Integer({ default: 3 }) }),
      async (ctx, config) => {
        seen.push(config['demo.limit']);
        return ctx.createApp();
      },
    );
    expect(definition.version).toBe(PLATFORM_VERSION);
    const running = await startService(definition, {
      env: { DEMO_LIMIT: '7', LOG_LEVEL: 'silent' },
      discovery: new StaticDiscovery([]),
    });
    try {
      expect(seen).toEqual([7]);
      expect(running.context.identity.service).toBe('demo');
    } finally {
      await running.stop();
    }
  });

  it('refuses a configuration value outside the service schema at start', async () => {
    const definition = defineService(
      'demo',
      serviceConfig([], { 'demo.limit': Type.Integer({ minimum: 1, default: 3 }) }),
      async (ctx) => ctx.createApp(),
    );
    await expect(
      startService(definition, { env: { DEMO_LIMIT: '0', LOG_LEVEL: 'silent' }, discovery: new StaticDiscovery([]) }),
    ).rejects.toThrow();
  });
});
