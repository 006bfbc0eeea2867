import { createServer } from 'node:net';
import { basicAuthorization, type RunningService, startService } from '@phzzk/kit';
import { type DiscoveryConfig, discoveryService } from '../src/service.ts';

export type Discovery = RunningService<typeof DiscoveryConfig>;

/** The platform credential the test nodes are started with (and `http()` sends by default). */
export const PLATFORM = { username: 'phzzk', password: 'test-discovery-password' };
export const PLATFORM_AUTH = basicAuthorization(PLATFORM.username, PLATFORM.password);

/** A discovery URL with the platform credential in it, as services are given it. */
export const withCredentials = (url: string, user = PLATFORM.username, password = PLATFORM.password) => {
  const u = new URL(url);
  u.username = user;
  u.password = password;
  return u.toString().replace(/\/+$/, '');
};

/** Starts a discovery node in-process on a free port (or the given one), with the platform credential. */
export function startDiscovery(env: Record<string, string> = {}): Promise<Discovery> {
  return startService(discoveryService, {
    env: {
      SERVER_PORT: '0',
      LOG_LEVEL: 'silent',
      DISCOVERY_SECURITY_USERNAME: PLATFORM.username,
      DISCOVERY_SECURITY_PASSWORD: PLATFORM.password,
      ...env,
    },
  });
}

/** A port nothing listens on right now (for nodes that must know each other's address up front). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Waits until `check` returns a truthy value; fails with `what` after the deadline. */
export async function waitFor<T>(
  what: string,
  check: () => T | Promise<T>,
  timeoutMs = 10_000,
  intervalMs = 20,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** A JSON registration body as Eureka clients send it. */
export function registration(app: string, id: string, port: number, extra: Record<string, unknown> = {}) {
  return {
    instance: {
      instanceId: id,
      hostName: '127.0.0.1',
      app: app.toUpperCase(),
      ipAddr: '127.0.0.1',
      status: 'UP',
      port: { $: port, '@enabled': 'true' },
      securePort: { $: 443, '@enabled': 'false' },
      vipAddress: app.toLowerCase(),
      dataCenterInfo: { '@class': 'com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo', name: 'MyOwn' },
      leaseInfo: { renewalIntervalInSecs: 1, durationInSecs: 3 },
      ...extra,
    },
  };
}

export interface HttpResult {
  status: number;
  contentType: string;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests navigate response JSON freely
  json: () => any;
}

export async function http(
  method: string,
  url: string,
  /** `authorization`: the platform credential unless given; null sends none. */
  options: { body?: unknown; headers?: Record<string, string>; authorization?: string | null } = {},
): Promise<HttpResult> {
  const isText = typeof options.body === 'string';
  const authorization = options.authorization === undefined ? PLATFORM_AUTH : options.authorization;
  const res = await fetch(url, {
    method,
    headers: {
      ...(authorization ? { authorization } : {}),
      ...(options.body !== undefined && !isText ? { 'content-type': 'application/json' } : {}),
      ...options.headers,
    },
    ...(options.body !== undefined ? { body: isText ? (options.body as string) : JSON.stringify(options.body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', text, json: () => JSON.parse(text) };
}

export const JSON_ACCEPT = { accept: 'application/json' };
