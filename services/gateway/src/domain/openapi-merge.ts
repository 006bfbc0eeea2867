import { matchRoute, type RouteDefinition } from './route-table.ts';

// The public API's OpenAPI document, merged from the documents the services serve about
// themselves. Driven by the route table: a service appears as soon as a route names it and its
// document can be read, and only the paths the gateway really routes to it are kept.

export type JsonObject = { [key: string]: unknown };

export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description?: string };
  paths?: Record<string, JsonObject>;
  components?: { schemas?: Record<string, unknown>; securitySchemes?: Record<string, unknown> };
  [key: string]: unknown;
}

const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

/**
 * Where a path a service documents is reached through the gateway by `route`: its stripped
 * segments put back in front. Undefined when the gateway would send that public path elsewhere
 * (a more specific route, another service) or nowhere.
 */
export function publicPathOf(
  routes: RouteDefinition[],
  route: RouteDefinition,
  servicePath: string,
): string | undefined {
  if (servicePath.startsWith('/internal/') || servicePath === '/internal') return undefined;
  const strip = route.stripPrefix ?? 0;
  const base = route.path.endsWith('/**') ? route.path.slice(0, -3) : route.path;
  const kept = base.split('/').filter(Boolean).slice(0, strip);
  const candidate = kept.length === 0 ? servicePath : `/${kept.join('/')}${servicePath === '/' ? '' : servicePath}`;
  const match = matchRoute(routes, candidate);
  return match?.route.id === route.id && match.upstreamPath === servicePath ? candidate : undefined;
}

/** Rewrites `#/components/schemas/<old>` references through `renamed`. */
function renameRefs(value: unknown, renamed: Map<string, string>): unknown {
  if (renamed.size === 0) return value;
  if (Array.isArray(value)) return value.map((v) => renameRefs(v, renamed));
  if (value === null || typeof value !== 'object') return value;
  const out: JsonObject = {};
  for (const [key, v] of Object.entries(value)) {
    const ref = key === '$ref' && typeof v === 'string' ? /^#\/components\/schemas\/(.+)$/.exec(v) : null;
    out[key] = ref && renamed.has(ref[1]!) ? `#/components/schemas/${renamed.get(ref[1]!)}` : renameRefs(v, renamed);
  }
  return out;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export interface MergeInput {
  routes: RouteDefinition[];
  /** Each routed service's own document; absent when it could not be read (not running yet). */
  documents: Map<string, OpenApiDocument>;
  info: { title: string; version: string };
}

/** One OpenAPI 3.1 document of the public API, each operation tagged with its service. */
export function mergeOpenApi({ routes, documents, info }: MergeInput): OpenApiDocument {
  const paths: Record<string, JsonObject> = {};
  const schemas: Record<string, unknown> = {};
  const securitySchemes: Record<string, unknown> = {};
  const services = [...new Set(routes.map((r) => r.service))];
  const missing: string[] = [];

  for (const service of services) {
    const doc = documents.get(service);
    if (!doc) {
      missing.push(service);
      continue;
    }
    // Schema names are the services' own: keep a name unless another service used it differently.
    const renamed = new Map<string, string>();
    for (const [name, schema] of Object.entries(doc.components?.schemas ?? {})) {
      const target = name in schemas && !same(schemas[name], schema) ? `${service}.${name}` : name;
      if (target !== name) renamed.set(name, target);
    }
    for (const [name, schema] of Object.entries(doc.components?.schemas ?? {})) {
      schemas[renamed.get(name) ?? name] = renameRefs(schema, renamed);
    }
    Object.assign(securitySchemes, doc.components?.securitySchemes ?? {});

    for (const route of routes.filter((r) => r.service === service)) {
      for (const [servicePath, item] of Object.entries(doc.paths ?? {})) {
        const publicPath = publicPathOf(routes, route, servicePath);
        if (!publicPath || paths[publicPath]) continue;
        const operations: JsonObject = {};
        for (const [method, operation] of Object.entries(renameRefs(item, renamed) as JsonObject)) {
          if (!METHODS.has(method) || operation === null || typeof operation !== 'object') {
            operations[method] = operation;
            continue;
          }
          operations[method] = { ...(operation as JsonObject), tags: [service] };
        }
        paths[publicPath] = operations;
      }
    }
  }

  const sorted = Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b)));
  return {
    openapi: '3.1.0',
    info: {
      ...info,
      ...(missing.length > 0
        ? { description: `Not documented right now (no instance answered): ${missing.sort().join(', ')}.` }
        : {}),
    },
    servers: [{ url: '/' }],
    tags: services.filter((s) => documents.has(s)).map((name) => ({ name })),
    paths: sorted,
    components: { schemas, securitySchemes },
  };
}
