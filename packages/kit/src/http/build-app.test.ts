import Type from 'typebox';
import { describe, expect, it } from 'vitest';
import { HealthRegistry } from '../health/health-registry.ts';
import { createLogger } from '../logging/logger.ts';
import { buildServiceApp } from './build-app.ts';
import { createMetricsRegistry } from './http-metrics.ts';
import { conflict } from './problem-error.ts';

function testApp(health = new HealthRegistry()) {
  const identity = { service: 'demo', version: '1.2.3', instanceId: 'demo-1' };
  const app = buildServiceApp({
    identity,
    logger: createLogger({ service: 'demo', instanceId: 'demo-1', level: 'silent' }),
    health,
    metrics: createMetricsRegistry('demo', 'demo-1'),
    configVersion: () => 'abc123',
    bodyLimit: 1024,
  });
  app.post(
    '/things',
    {
      schema: {
        body: Type.Object(
          { name: Type.String({ minLength: 1 }), size: Type.Integer() },
          { additionalProperties: false },
        ),
      },
    },
    async (req) => ({ created: req.body.name }),
  );
  app.get('/boom', async () => {
    throw new Error('secret internals: db password is hunter2');
  });
  app.get('/taken', async () => {
    throw conflict('NAME_TAKEN', 'That name is taken');
  });
  return app;
}

describe('buildServiceApp', () => {
  it('accepts a valid body', async () => {
    const res = await testApp().inject({ method: 'POST', url: '/things', payload: { name: 'a', size: 1 } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ created: 'a' });
  });

  it('rejects unknown fields and wrong types with 400 problem+json', async () => {
    const app = testApp();
    for (const payload of [{ name: 'a', size: 1, admin: true }, { name: 'a', size: 'big' }, { size: 1 }]) {
      const res = await app.inject({ method: 'POST', url: '/things', payload });
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      const body = res.json();
      expect(body).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', title: 'Bad Request', instance: '/things' });
      expect(body.type).toBe('urn:phzzk:problem:validation-failed');
      expect(Array.isArray(body.errors)).toBe(true);
    }
  });

  it.each([
    {
      body: 'malformed JSON',
      headers: { 'content-type': 'application/json' },
      payload: '{"name":',
      status: 400,
      code: 'MALFORMED_BODY',
    },
    {
      body: 'an oversized body',
      headers: {},
      payload: { name: 'x'.repeat(5000), size: 1 },
      status: 413,
      code: 'BODY_TOO_LARGE',
    },
    {
      body: 'an XML body',
      headers: { 'content-type': 'text/xml' },
      payload: '<a/>',
      status: 415,
      code: 'UNSUPPORTED_MEDIA_TYPE',
    },
  ])('answers $body with $status $code problem+json', async ({ headers, payload, status, code }) => {
    const res = await testApp().inject({ method: 'POST', url: '/things', headers, payload });
    expect(res.statusCode).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json().code).toBe(code);
  });

  it('answers an unknown route with 404 problem+json', async () => {
    const res = await testApp().inject({ method: 'GET', url: '/nope?x=1' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ code: 'ROUTE_NOT_FOUND', instance: '/nope' });
  });

  it('answers an exception with 500 problem+json that hides internals', async () => {
    const res = await testApp().inject({ method: 'GET', url: '/boom' });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toMatchObject({ code: 'INTERNAL_ERROR', status: 500 });
    expect(res.body).not.toContain('hunter2');
    expect(res.body).not.toContain('secret');
  });

  it('renders ProblemError with its status and code', async () => {
    const res = await testApp().inject({ method: 'GET', url: '/taken' });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'NAME_TAKEN', detail: 'That name is taken' });
  });

  it('propagates a well-formed x-request-id and replaces a malformed one', async () => {
    const app = testApp();
    const kept = await app.inject({ method: 'GET', url: '/taken', headers: { 'x-request-id': 'req-123.abc' } });
    expect(kept.headers['x-request-id']).toBe('req-123.abc');
    expect(kept.json().requestId).toBe('req-123.abc');
    const replaced = await app.inject({
      method: 'GET',
      url: '/info',
      headers: { 'x-request-id': 'bad id\nwith newline' },
    });
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves /info, /metrics with HTTP histograms, and /health by dependency', async () => {
    const health = new HealthRegistry(200);
    let dbUp = true;
    health.register('postgres', () => ({ ok: dbUp, detail: dbUp ? undefined : 'connection refused' }));
    health.register('optional', () => ({ ok: false }), { critical: false });
    health.register('slow', () => new Promise(() => {}), { critical: false });
    const app = testApp(health);
    expect((await app.inject({ url: '/info' })).json()).toEqual({
      service: 'demo',
      version: '1.2.3',
      instanceId: 'demo-1',
      configVersion: 'abc123',
    });
    const up = await app.inject({ url: '/health' });
    expect(up.statusCode).toBe(200);
    expect(up.json().checks).toMatchObject({
      postgres: { status: 'up' },
      optional: { status: 'down', critical: false },
    });
    expect(up.json().checks.slow.detail).toMatch(/no answer/);
    dbUp = false;
    const down = await app.inject({ url: '/health' });
    expect(down.statusCode).toBe(503);
    expect(down.json()).toMatchObject({
      status: 'down',
      checks: { postgres: { status: 'down', detail: 'connection refused' } },
    });
    expect((await app.inject({ url: '/health/liveness' })).statusCode).toBe(200);
    await app.inject({ method: 'POST', url: '/things', payload: { name: 'a', size: 1 } });
    const metrics = await app.inject({ url: '/metrics' });
    expect(metrics.body).toMatch(
      /http_server_request_duration_seconds_count\{[^}]*route="\/things"[^}]*status_code="200"/,
    );
    expect(metrics.body).toContain('process_cpu_user_seconds_total');
  });
});

describe('problem headers', () => {
  it('sends retryAfter and headers extras as response headers, not in the body', async () => {
    const app = testApp();
    const { ProblemError } = await import('./problem-error.ts');
    app.get('/limited', async () => {
      throw new ProblemError(429, 'RATE_LIMITED', 'slow down', {
        retryAfter: 2.2,
        headers: { 'ratelimit-limit': '5' },
      });
    });
    const res = await app.inject({ url: '/limited' });
    expect(res.statusCode).toBe(429);
    expect(res.headers['retry-after']).toBe('3');
    expect(res.headers['ratelimit-limit']).toBe('5');
    expect(res.json()).not.toHaveProperty('headers');
    expect(res.json()).not.toHaveProperty('retryAfter');
  });
});
