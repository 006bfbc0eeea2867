import type { IForbiddenRuleType } from 'dependency-cruiser';

// The layout rules of ARCHITECTURE.md ("Layout") as dependency-cruiser rules. Paths are relative to
// the directory the check runs in (the repository root, or a test fixture laid out like it).

/** Libraries that make a module a framework or I/O module: never imported by `domain/`. */
const frameworkPackages = [
  'fastify',
  '@fastify/[^/]+',
  'fastify-plugin',
  'ioredis',
  'pg',
  '@platformatic/kafka',
  'ws',
  'undici',
  'pino',
  'prom-client',
  'jose',
  'argon2',
  'openid-client',
];

/** Node core modules that do I/O (or run processes): never imported by `domain/`. */
const ioCoreModules = [
  'fs',
  'fs/promises',
  'net',
  'http',
  'https',
  'http2',
  'tls',
  'dgram',
  'dns',
  'dns/promises',
  'child_process',
  'cluster',
  'worker_threads',
  'readline',
  'repl',
  'inspector',
  'stream',
  'stream/promises',
];

/** Tests wire concrete adapters as service.ts does (integration tests may start a neighbour). */
const testFile = '\\.test\\.ts$';

const oneOf = (names: string[]): string => `(${names.join('|')})`;

export const layoutRules: IForbiddenRuleType[] = [
  {
    name: 'no-service-imports-service',
    comment: 'A service never imports another service; what two services share lives in packages/.',
    severity: 'error',
    from: { path: '^services/([^/]+)/src/', pathNot: testFile },
    to: { path: '^services/', pathNot: '^services/$1/' },
  },
  {
    name: 'media-is-standalone',
    comment: 'packages/media is a library you could publish: it imports neither the kit nor a service.',
    severity: 'error',
    from: { path: '^packages/media/' },
    to: { path: '^(packages/kit|services)/' },
  },
  {
    name: 'domain-imports-no-adapter',
    comment: 'Domain code reaches adapters only through its ports (domain/ports.ts).',
    severity: 'error',
    from: { path: '^(services|packages)/[^/]+/src/domain/' },
    to: { path: '^(services|packages)/[^/]+/src/adapters/' },
  },
  {
    name: 'domain-imports-no-framework',
    comment: 'Domain code imports no framework or I/O library; of the kit only its framework-free modules (errors).',
    severity: 'error',
    from: { path: '^(services|packages)/[^/]+/src/domain/' },
    to: {
      path: [`(^|/)node_modules/${oneOf(frameworkPackages)}/`, '^packages/kit/src/(?!errors/)'],
    },
  },
  {
    name: 'domain-imports-no-io-module',
    comment: 'Domain code does no I/O: no file system, network, process or stream modules.',
    severity: 'error',
    from: { path: '^(services|packages)/[^/]+/src/domain/' },
    // A type-only import (IncomingHttpHeaders) describes data; it does no I/O.
    to: { dependencyTypes: ['core'], dependencyTypesNot: ['type-only'], path: `^(node:)?${oneOf(ioCoreModules)}$` },
  },
  {
    name: 'routes-and-workers-use-ports',
    comment: 'Routes and workers depend on ports (domain/ports.ts); only service.ts wires concrete adapters.',
    severity: 'error',
    from: { path: '^services/[^/]+/src/(routes|workers)/', pathNot: testFile },
    to: { path: '^services/[^/]+/src/adapters/' },
  },
  {
    name: 'no-cycles',
    comment: 'No import cycles anywhere.',
    severity: 'error',
    from: {},
    to: { circular: true },
  },
];
