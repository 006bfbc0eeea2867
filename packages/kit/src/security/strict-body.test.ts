import Type from 'typebox';
import { describe, expect, it } from 'vitest';
import { HealthRegistry } from '../health/health-registry.ts';
import { buildServiceApp } from '../http/build-app.ts';
import { createMetricsRegistry } from '../http/http-metrics.ts';
import { createLogger } from '../logging/logger.ts';

// Every kit app: JSON bodies are not coerced to their schema types (query strings still are),
// and bodies with invalid UTF-8 or lone surrogates are refused with 400.

function app() {
  const a = buildServiceApp({
    identity: { service: 't', version: '0', instanceId: 't-1' },
    logger: createLogger({ service: 't', instanceId: 't-1', level: 'silent' }),
    health: new HealthRegistry(),
    metrics: createMetricsRegistry('t', 't-1'),
  });
  a.patch(
    '/me',
    {
      schema: {
        body: Type.Object(
          { nickname: Type.String(), age: Type.Optional(Type.Integer()) },
          { additionalProperties: false },
        ),
        querystring: Type.Object({ limit: Type.Optional(Type.Integer()) }),
      },
    },
    async (request) => ({ body: request.body, query: request.query }),
  );
  return a;
}

const patch = (payload: string | Buffer, url = '/me') =>
  app().inject({ method: 'PATCH', url, headers: { 'content-type': 'application/json' }, payload });

describe('strict JSON bodies', () => {
  it('refuses wrong JSON types instead of coercing them', async () => {
    for (const body of [
      '{"nickname":12345}',
      '{"nickname":true}',
      '{"nickname":"a","age":"7"}',
      '{"nickname":["a"]}',
    ]) {
      const res = await patch(body);
      expect(res.statusCode, body).toBe(400);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
    }
    const ok = await patch('{"nickname":"a","age":7}', '/me?limit=5');
    expect(ok.statusCode).toBe(200);
    // Query strings are text on the wire: they still coerce.
    expect(ok.json()).toEqual({ body: { nickname: 'a', age: 7 }, query: { limit: 5 } });
  });

  it('refuses invalid UTF-8 and lone surrogates with 400', async () => {
    const invalid = Buffer.concat([Buffer.from('{"nickname":"a'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
    const overlong = Buffer.concat([Buffer.from('{"nickname":"'), Buffer.from([0xc0, 0xaf]), Buffer.from('"}')]);
    for (const payload of [
      invalid,
      overlong,
      '{"nickname":"\\ud800"}',
      '{"nickname":"x\\udc00y"}',
      '{"\\ud800":"a"}',
    ]) {
      const res = await patch(payload);
      expect(res.statusCode, String(payload)).toBe(400);
      expect(['INVALID_UTF8', 'INVALID_UNICODE']).toContain(res.json().code);
    }
    // A proper pair is fine.
    expect((await patch('{"nickname":"\\ud83d\\ude00"}')).json().body.nickname).toBe('😀');
    expect((await patch('{"nickname":"a","__proto__":{"x":1}}')).statusCode).toBe(400);
    expect((await patch('{not json')).statusCode).toBe(400);
  });
});
