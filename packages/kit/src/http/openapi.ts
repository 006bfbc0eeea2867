import { fastifySwagger, type SwaggerOptions } from '@fastify/swagger';
import { Problem } from '@phzzk/contracts';
import type { FastifyInstance, FastifySchema, RouteOptions } from 'fastify';
import Type, { type TSchema } from 'typebox';

/** Each status a route may answer with a problem, and the stable codes it may carry. */
export type ProblemCodes = Partial<Record<400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 503, string[]>>;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The problems this route answers with besides 400 VALIDATION_FAILED; documented in OpenAPI. */
    problems?: ProblemCodes;
  }
}

/** Where every service serves the OpenAPI document of its public routes (the gateway merges them). */
export const OPENAPI_PATH = '/openapi.json';
export const OPENAPI_VERSION = '3.1.0';
export const PROBLEM_MEDIA_TYPE = 'application/problem+json';

/** Routes that are not part of the public API: service-to-service and the kit's own. */
const NOT_PUBLIC = /^\/(internal|health|metrics|info|openapi\.json)(\/|$)/;

const ValidationErrors = Type.Array(
  Type.Object({
    in: Type.String(),
    path: Type.String(),
    message: Type.String(),
    property: Type.Optional(Type.String()),
  }),
);

/** The problem+json document a route answers with for `status`, its `code` limited to `codes`. */
export function problemSchema(status: number, codes: string[]): TSchema {
  return Type.Object(
    {
      ...Problem.properties,
      status: Type.Literal(status),
      code: codes.length === 1 ? Type.Literal(codes[0]!) : Type.Union(codes.map((c) => Type.Literal(c))),
      ...(codes.includes('VALIDATION_FAILED') ? { errors: Type.Optional(ValidationErrors) } : {}),
      retryAfter: Type.Optional(Type.Number()),
    },
    { additionalProperties: true },
  );
}

/** `GET /api/users/:id` -> `getApiUsersById`: stable and unique per method and path. */
export function operationIdOf(method: string, url: string): string {
  const pascal = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
  const words = url
    .split('/')
    .filter(Boolean)
    .map((segment) =>
      segment.startsWith(':')
        ? `By${pascal(segment.slice(1))}`
        : segment
            .split(/[^A-Za-z0-9]+/)
            .filter(Boolean)
            .map(pascal)
            .join(''),
    );
  return `${method.toLowerCase()}${words.join('')}`;
}

const hasInput = (schema: FastifySchema) =>
  schema.body !== undefined ||
  schema.querystring !== undefined ||
  schema.params !== undefined ||
  schema.headers !== undefined;

/**
 * The OpenAPI view of one route: internal and kit routes hidden, an operationId, the problems it
 * answers with (declared in `config.problems`, plus 400 when it validates input, plus 5xx), and
 * bearer security when it needs a signed-in caller. Fastify's own schema is left untouched.
 */
function describeRoute({ schema, url, route }: { schema: FastifySchema; url: string; route: RouteOptions }) {
  if (NOT_PUBLIC.test(url)) return { schema: { ...schema, hide: true }, url };
  const method = Array.isArray(route.method) ? route.method[0]! : route.method;
  const problems: Record<number, string[]> = {};
  if (hasInput(schema ?? {})) problems[400] = ['VALIDATION_FAILED'];
  for (const [status, codes] of Object.entries(route.config?.problems ?? {})) {
    problems[Number(status)] = [...new Set([...(problems[Number(status)] ?? []), ...(codes ?? [])])];
  }
  const response: Record<string, unknown> = { ...((schema?.response as Record<string, unknown>) ?? {}) };
  const content = (status: number, codes: string[]) => ({
    [PROBLEM_MEDIA_TYPE]: { schema: problemSchema(status, codes) },
  });
  for (const [status, codes] of Object.entries(problems)) {
    response[status] = { description: `Problem: ${codes.join(', ')}`, content: content(Number(status), codes) };
  }
  response['5XX'] = {
    description: 'Problem: INTERNAL_ERROR (or SERVICE_UNAVAILABLE from the gateway)',
    content: { [PROBLEM_MEDIA_TYPE]: { schema: problemSchema(500, ['INTERNAL_ERROR']) } },
  };
  const needsCaller = problems[401]?.includes('AUTH_REQUIRED') === true;
  return {
    schema: {
      operationId: operationIdOf(method, url),
      ...schema,
      response,
      ...(needsCaller ? { security: [{ bearer: [] }] } : {}),
    },
    url,
  };
}

/**
 * Documents the app's schema-first routes as OpenAPI 3.1 at GET /openapi.json. Must be installed
 * before routes are added (it collects them as they are declared).
 */
export function installOpenApi(app: FastifyInstance, identity: { service: string; version: string }): void {
  // Applied at once rather than through register(): a plugin only loads at ready(), after the
  // services have declared their routes on the root instance, and would not see them.
  const options = {
    openapi: {
      openapi: OPENAPI_VERSION,
      info: { title: `PHZZK ${identity.service}`, version: identity.version },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
    transform: describeRoute,
  } satisfies SwaggerOptions;
  fastifySwagger(app, options, (error) => {
    if (error) throw error;
  });
  app.get(OPENAPI_PATH, { schema: { hide: true } }, async (_request, reply) => {
    reply.header('cache-control', 'no-cache');
    return app.swagger();
  });
}
