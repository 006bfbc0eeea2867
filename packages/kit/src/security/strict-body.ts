import { isUtf8 } from 'node:buffer';
import AjvCompiler from '@fastify/ajv-compiler';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import secureJson from 'secure-json-parse';
import { badRequest } from '../http/problem-error.ts';

type BuildValidator = NonNullable<
  NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>['buildValidator']
>;
// The compiler's own typings mix in JTD overloads; the shapes used here are these.
type CompilerOptions = { customOptions?: Record<string, unknown> } & Record<string, unknown>;
type Route = { httpPart?: string } & Record<string, unknown>;
type Factory = (externalSchemas: unknown, options: CompilerOptions) => (route: Route) => unknown;

/**
 * Validators that never coerce a JSON body (`{"nickname": 12345}` is a 400, not "12345"), while
 * query strings, params and headers, which are text on the wire, still coerce to their schema types.
 */
export function bodyStrictValidators(): BuildValidator {
  const factory = AjvCompiler() as unknown as Factory;
  return ((externalSchemas: unknown, options: CompilerOptions) => {
    const coercing = factory(externalSchemas, options);
    const strict = factory(externalSchemas, {
      ...options,
      customOptions: { ...options.customOptions, coerceTypes: false },
    });
    return (route: Route) => (route.httpPart === 'body' ? strict(route) : coercing(route));
  }) as unknown as BuildValidator;
}

/** Whether every string in a parsed JSON value (keys included) is well-formed UTF-16: no lone surrogates. */
function wellFormed(value: unknown): boolean {
  if (typeof value === 'string') return value.isWellFormed();
  if (Array.isArray(value)) return value.every(wellFormed);
  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) if (!k.isWellFormed() || !wellFormed(v)) return false;
  }
  return true;
}

/**
 * The JSON body parser: invalid UTF-8 bytes and lone surrogates (`"\ud800"`) are refused with 400
 * instead of being stored as U+FFFD or as unpaired halves; `__proto__`/`constructor` keys are
 * refused as Fastify's own parser refuses them.
 */
export function installStrictJsonParser(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => {
    const bytes = body as Buffer;
    if (bytes.length === 0) return done(badRequest('MALFORMED_BODY', 'The JSON body is empty'));
    if (!isUtf8(bytes)) return done(badRequest('INVALID_UTF8', 'The body is not valid UTF-8'));
    let value: unknown;
    try {
      value = secureJson.parse(bytes.toString('utf8'), undefined, { protoAction: 'error', constructorAction: 'error' });
    } catch (error) {
      return done(badRequest('MALFORMED_BODY', `The body is not valid JSON: ${(error as Error).message}`));
    }
    if (!wellFormed(value))
      return done(badRequest('INVALID_UNICODE', 'The body holds a lone surrogate (\\uD800-\\uDFFF)'));
    done(null, value);
  });
}
