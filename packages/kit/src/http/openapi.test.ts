import { Validator } from '@seriousme/openapi-schema-validator';
import Type from 'typebox';
import { describe, expect, it } from 'vitest';
import { HealthRegistry } from '../health/health-registry.ts';
import { createLogger } from '../logging/logger.ts';
import { buildServiceApp } from './build-app.ts';
import { createMetricsRegistry } from './http-metrics.ts';
import { OPENAPI_PATH, operationIdOf } from './openapi.ts';

function demoApp() {
  const app = buildServiceApp({
    identity: { service: 'demo', version: '1.2.3', instanceId: 'demo-1' },
    logger: createLogger({ service: 'demo', instanceId: 'demo-1', level: 'silent' }),
    health: new HealthRegistry(),
    metrics: createMetricsRegistry('demo', 'demo-1'),
  });
  const Thing = Type.Object({ id: Type.String(), name: Type.String() }, { additionalProperties: false });
  app.get(
    '/api/things/:id',
    {
      schema: { params: Type.Object({ id: Type.String() }), response: { 200: Thing } },
      config: { problems: { 401: ['AUTH_REQUIRED'], 404: ['THING_NOT_FOUND'] } },
    },
    async (request) => ({ id: request.params.id, name: 'n' }),
  );
  app.post(
    '/api/things',
    { schema: { body: Type.Object({ name: Type.String() }), response: { 201: Thing } } },
    async (request, reply) => reply.code(201).send({ id: '1', name: request.body.name }),
  );
  app.get('/internal/things', { schema: { response: { 200: Type.Array(Thing) } } }, async () => []);
  return app;
}

describe('the OpenAPI document of a service', () => {
  it('is valid OpenAPI 3.1 and documents public routes only', async () => {
    const res = await demoApp().inject({ method: 'GET', url: OPENAPI_PATH });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    const result = await new Validator().validate(doc);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual(['/api/things', '/api/things/{id}']);
  });

  it('documents request, response and problems, with bearer security where a caller is needed', async () => {
    const doc = (await demoApp().inject({ method: 'GET', url: OPENAPI_PATH })).json();
    const get = doc.paths['/api/things/{id}'].get;
    expect(get.operationId).toBe('getApiThingsById');
    expect(get.security).toEqual([{ bearer: [] }]);
    expect(get.responses['200'].content['application/json'].schema.properties.name).toEqual({ type: 'string' });
    const notFound = get.responses['404'].content['application/problem+json'].schema;
    expect(notFound.properties.code).toMatchObject({ enum: ['THING_NOT_FOUND'] });
    expect(get.responses['400'].content['application/problem+json'].schema.properties.code).toMatchObject({
      enum: ['VALIDATION_FAILED'],
    });
    expect(get.responses['5XX']).toBeDefined();
    const post = doc.paths['/api/things'].post;
    expect(post.security).toBeUndefined();
    expect(post.requestBody.content['application/json'].schema.required).toEqual(['name']);
    expect(post.responses['201']).toBeDefined();
  });

  it('names operations by method and path', () => {
    expect(operationIdOf('GET', '/api/users/me')).toBe('getApiUsersMe');
    expect(operationIdOf('PUT', '/api/channels/:id/follow')).toBe('putApiChannelsByIdFollow');
    expect(operationIdOf('GET', '/.well-known/jwks.json')).toBe('getWellKnownJwksJson');
  });
});
