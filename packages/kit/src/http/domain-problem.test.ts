import { describe, expect, it } from 'vitest';
import { conflict, DomainError, ERROR_KINDS, notFound, rateLimited } from '../errors/domain-error.ts';
import { errorFrameOf, httpStatusOf, kindOfStatus } from '../errors/error-kinds.ts';
import { HealthRegistry } from '../health/health-registry.ts';
import { createLogger } from '../logging/logger.ts';
import { buildServiceApp } from './build-app.ts';
import { createMetricsRegistry } from './http-metrics.ts';

function appThrowing(error: Error) {
  const app = buildServiceApp({
    identity: { service: 'demo', version: '1', instanceId: 'demo-1' },
    logger: createLogger({ service: 'demo', instanceId: 'demo-1', level: 'silent' }),
    health: new HealthRegistry(),
    metrics: createMetricsRegistry('demo', 'demo-1'),
  });
  app.get('/api/thing', async () => {
    throw error;
  });
  return app;
}

describe('domain errors', () => {
  it('are answered as problem+json with the status of their kind, in one place', async () => {
    const expected = [400, 401, 403, 404, 409, 429, 503, 502];
    for (const [i, kind] of ERROR_KINDS.entries()) {
      const res = await appThrowing(new DomainError(kind, 'SOME_CODE', 'Something.')).inject('/api/thing');
      expect(res.statusCode).toBe(expected[i]);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json()).toMatchObject({ status: expected[i], code: 'SOME_CODE', detail: 'Something.' });
    }
  });

  it('carry their extra fields, and a rate limit as Retry-After', async () => {
    const res = await appThrowing(rateLimited('TOO_MANY_ATTEMPTS', 'Slow down.', 7.2, { reason: 'x' })).inject(
      '/api/thing',
    );
    expect(res.statusCode).toBe(429);
    expect(res.headers['retry-after']).toBe('8');
    expect(res.json()).toMatchObject({ code: 'TOO_MANY_ATTEMPTS', reason: 'x' });
    expect(res.json().retryAfter).toBeUndefined();
  });

  it('map to a WebSocket error frame with the same code', () => {
    expect(errorFrameOf(rateLimited('RATE_LIMITED', 'Slow down.', 1.5), 'n1')).toEqual({
      type: 'error',
      nonce: 'n1',
      code: 'RATE_LIMITED',
      message: 'Slow down.',
      retryAfterMs: 1500,
    });
    expect(errorFrameOf(conflict('X', 'y'))).toEqual({ type: 'error', code: 'X', message: 'y' });
  });

  it('read back from a neighbour`s problem status', () => {
    for (const kind of ERROR_KINDS) expect(kindOfStatus(httpStatusOf(kind))).toBe(kind);
    expect(kindOfStatus(422)).toBe('invalid');
    expect(kindOfStatus(504)).toBe('upstream-failed');
    expect(notFound('A', 'b').is('A', 'not-found')).toBe(true);
  });
});
