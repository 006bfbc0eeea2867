import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../errors/domain-error.ts';
import { problemOf } from './domain-problem.ts';
import { PROBLEM_CONTENT_TYPE, ProblemError, problemBody } from './problem-error.ts';

// Fastify's own error codes mapped to stable PHZZK problem codes.
const fastifyCodes: Record<string, [number, string]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'BODY_TOO_LARGE'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'UNSUPPORTED_MEDIA_TYPE'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'MALFORMED_BODY'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'MALFORMED_BODY'],
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'MALFORMED_BODY'],
  FST_ERR_CTP_EMPTY_TYPE: [415, 'UNSUPPORTED_MEDIA_TYPE'],
  FST_ERR_CTP_INVALID_TYPE: [415, 'UNSUPPORTED_MEDIA_TYPE'],
  FST_ERR_BAD_URL: [400, 'BAD_URL'],
  FST_ERR_ASYNC_CONSTRAINT: [400, 'BAD_REQUEST'],
};

function sendProblem(reply: FastifyReply, request: FastifyRequest, status: number, body: Record<string, unknown>) {
  return reply
    .code(status)
    .type(PROBLEM_CONTENT_TYPE)
    .send({ ...body, instance: request.url.split('?')[0], requestId: request.id });
}

/** Renders every error as RFC 9457 problem+json; 5xx never leak internals. */
export function installProblemHandlers(app: FastifyInstance): void {
  app.setErrorHandler((thrown: FastifyError, request, reply) => {
    // A domain failure (no HTTP in it) is answered with the problem its kind maps to.
    const error = thrown instanceof DomainError ? (problemOf(thrown) as unknown as FastifyError) : thrown;
    if (error instanceof ProblemError) {
      // `retryAfter` and `headers` travel as response headers, not in the body.
      const { retryAfter, headers, ...extra } = error.extra;
      if (typeof retryAfter === 'number') reply.header('retry-after', String(Math.ceil(retryAfter)));
      if (headers && typeof headers === 'object') reply.headers(headers as Record<string, string>);
      if (error.status >= 500) request.log.error({ err: error }, error.message);
      return sendProblem(reply, request, error.status, problemBody(error.status, error.code, error.message, extra));
    }
    if (error.validation) {
      const errors = error.validation.map((v) => ({
        in: error.validationContext ?? 'body',
        path: v.instancePath || '/',
        message: v.message ?? 'is invalid',
        ...(v.params && 'additionalProperty' in v.params ? { property: v.params.additionalProperty } : {}),
      }));
      return sendProblem(
        reply,
        request,
        400,
        problemBody(400, 'VALIDATION_FAILED', `${error.validationContext ?? 'request'} ${error.message}`, { errors }),
      );
    }
    const mapped = error.code ? fastifyCodes[error.code] : undefined;
    if (mapped) return sendProblem(reply, request, mapped[0], problemBody(mapped[0], mapped[1], error.message));
    const status = typeof error.statusCode === 'number' ? error.statusCode : 500;
    if (status >= 400 && status < 500) {
      return sendProblem(reply, request, status, problemBody(status, 'BAD_REQUEST', error.message));
    }
    request.log.error({ err: error }, 'unhandled error');
    return sendProblem(reply, request, 500, problemBody(500, 'INTERNAL_ERROR', 'An unexpected error occurred.'));
  });

  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      reply,
      request,
      404,
      problemBody(404, 'ROUTE_NOT_FOUND', `No route for ${request.method} ${request.url.split('?')[0]}`),
    ),
  );
}
