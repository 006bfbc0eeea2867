import { badRequest, notFound, type ServiceApp } from '@phzzk/kit';
import { stringify } from 'yaml';
import type { ConfigRepository } from '../domain/config-repository.ts';
import { mergedProperties, nestedDocument, withPlaceholdersResolved } from '../domain/merged-view.ts';
import { parseApplication, parseFileRequest, parseLabel, parseProfiles } from '../domain/names.ts';
import { renderProperties } from '../domain/properties-render.ts';
import { springYamlTags } from '../domain/yaml-flatten.ts';
import { toProblem } from './errors.ts';
import { type ReadCredentials, requireReadCredentials } from './read-auth.ts';

const MAX_SEGMENT = 512;

function segmentsOf(url: string): string[] {
  const path = url.split('?')[0] ?? '';
  const raw = path.split('/').slice(1);
  if (raw.length > 1 && raw[raw.length - 1] === '') raw.pop();
  if (raw.some((s) => s.length > MAX_SEGMENT)) {
    throw badRequest('INVALID_NAME', `a path segment is longer than ${MAX_SEGMENT} characters`);
  }
  const segments = raw.map((s) => {
    try {
      return decodeURIComponent(s);
    } catch {
      throw badRequest('BAD_URL', 'the path is not valid percent-encoding');
    }
  });
  // Whatever the shape of the path, `.` and `..` are refused, not looked for.
  if (segments.some((s) => s === '.' || s === '..' || s.includes('/..') || s.startsWith('../'))) {
    throw badRequest('INVALID_NAME', 'path traversal is not allowed');
  }
  return segments;
}

/**
 * The Spring Cloud Config Server read API:
 *   GET /{application}/{profiles}[/{label}]                      Environment (JSON)
 *   GET /[{label}/]{application}-{profiles}.yml|yaml|properties|json   merged view
 * One wildcard route parses the path itself, so that over-long or malformed names get a 400
 * problem (the router would answer 404) and `/{label}/{app}-{profile}.yml` is told apart from
 * `/{application}/{profile}` the way Spring's more specific pattern does.
 */
export function environmentRoutes(
  app: ServiceApp,
  repository: ConfigRepository,
  credentials: ReadCredentials | undefined,
): void {
  const onRequest = credentials ? [requireReadCredentials(credentials)] : [];
  app.get('/*', { onRequest }, async (request, reply) => {
    const segments = segmentsOf(request.url);
    const query = request.query as Record<string, string | undefined>;
    const resolve = query.resolvePlaceholders !== 'false';
    try {
      if (segments.length === 3) {
        return await repository.environment(
          parseApplication(segments[0] as string),
          parseProfiles(segments[1] as string),
          parseLabel(segments[2] as string),
        );
      }
      const fileSegment = segments[segments.length - 1] as string;
      const file = segments.length <= 2 ? parseFileRequest(fileSegment) : undefined;
      if (segments.length === 2 && !file) {
        return await repository.environment(
          parseApplication(segments[0] as string),
          parseProfiles(segments[1] as string),
          null,
        );
      }
      if (!file) throw notFound('ROUTE_NOT_FOUND', `No route for GET ${request.url.split('?')[0]}`);
      const label = segments.length === 2 ? parseLabel(segments[0] as string) : null;
      const env = await repository.environment(parseApplication(file.application), parseProfiles(file.profiles), label);
      let props = mergedProperties(env);
      if (resolve) props = withPlaceholdersResolved(props);
      if (file.format === 'properties') return reply.type('text/plain; charset=utf-8').send(renderProperties(props));
      const doc = nestedDocument(props);
      if (file.format === 'json') return reply.type('application/json; charset=utf-8').send(JSON.stringify(doc));
      const yaml =
        Object.keys(doc).length === 0
          ? '{}\n'
          : stringify(doc, { version: '1.1', customTags: springYamlTags, indentSeq: false, lineWidth: 0 });
      return reply.type('text/plain; charset=utf-8').send(yaml);
    } catch (error) {
      throw toProblem(error);
    }
  });
}
