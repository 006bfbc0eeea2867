import { join } from 'node:path';
import type { InfraEndpoints } from '../infra/index.ts';
import { credentialEnv, type LocalCredentials } from './local-credentials.ts';

/** Where service run files, logs, the local config repository and caches live (PHZZK_HOME). */
export const homeOf = (root: string, env: NodeJS.ProcessEnv = process.env) => env.PHZZK_HOME ?? join(root, '.phzzk');
export const runDirOf = (root: string, env: NodeJS.ProcessEnv = process.env) =>
  join(homeOf(root, env), 'run', 'services');
export const logDirOf = (root: string, env: NodeJS.ProcessEnv = process.env) => join(homeOf(root, env), 'logs');

/**
 * The fixed ports of the architecture (HTTP of gateway, discovery, config; RTMP of ingest);
 * PHZZK_PORTS=gateway=18080,discovery=18761,rtmp=11935 moves them.
 */
export function fixedPorts(env: NodeJS.ProcessEnv = process.env): Record<string, number> {
  const ports: Record<string, number> = { gateway: 8080, discovery: 8761, config: 8888, rtmp: 1935 };
  for (const entry of (env.PHZZK_PORTS ?? '').split(',').filter(Boolean)) {
    const [name, value] = entry.split('=').map((s) => s.trim());
    const port = Number(value);
    if (!name || !Number.isInteger(port) || port < 0 || port > 65535)
      throw new Error(`PHZZK_PORTS: bad entry "${entry}"`);
    ports[name] = port;
  }
  return ports;
}

/**
 * The environment every service process gets under `npm start`: where the infrastructure is,
 * how to find each other, and where the configuration comes from. Variables the user set win.
 */
export function platformEnv(
  root: string,
  endpoints: InfraEndpoints,
  options: {
    discovery: 'eureka' | 'static';
    staticInstances?: string;
    withConfigServer: boolean;
    /** The local credentials (`.phzzk/credentials.json`, `ensureLocalCredentials`). */
    credentials: LocalCredentials;
  },
  base: NodeJS.ProcessEnv = process.env,
): NodeJS.ProcessEnv {
  const home = homeOf(root, base);
  const ports = fixedPorts(base);
  const secured = credentialEnv(options.credentials, {
    discovery: ports.discovery ?? 8761,
    config: ports.config ?? 8888,
  });
  const defaults: Record<string, string> = {
    DATABASE_URL: endpoints.databaseUrl,
    REDIS_URL: endpoints.redisUrl,
    KAFKA_BROKERS: endpoints.kafkaBrokers.join(','),
    DISCOVERY_MODE: options.discovery,
    DISCOVERY_EUREKA_URL: `http://127.0.0.1:${ports.discovery}/eureka`,
    CONFIG_PROFILE: 'dev',
    CONFIG_CACHE_DIR: join(home, 'config-cache'),
    CONFIG_GIT_URI: join(home, 'config-repo'),
    STORAGE_ROOT: join(home, 'media'),
    // Where a process that serves browsers (the web app) reaches the API: the gateway.
    PHZZK_GATEWAY_URL: `http://127.0.0.1:${ports.gateway}`,
    ...(options.withConfigServer ? { CONFIG_URI: `http://127.0.0.1:${ports.config}` } : {}),
    ...secured,
  };
  if (!options.withConfigServer) delete defaults.CONFIG_URI;
  const env: NodeJS.ProcessEnv = { ...base };
  for (const [k, v] of Object.entries(defaults)) env[k] ??= v;
  env.DISCOVERY_STATIC_INSTANCES = options.staticInstances ?? '';
  // npm sets these for its scripts; a service process does not need them.
  for (const k of Object.keys(env)) if (k.startsWith('npm_')) delete env[k];
  return env;
}

/** The port a service's first instance takes: its fixed port, or any free one. */
export function portFor(service: string, env: NodeJS.ProcessEnv, firstInstance: boolean): string {
  const fixed = fixedPorts(env)[service];
  return firstInstance && fixed !== undefined ? String(fixed) : '0';
}
