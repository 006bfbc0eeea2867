import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { splitCredentials } from '../security/url-credentials.ts';
import type { Properties } from './live-config.ts';

export interface ServerLayer {
  properties: Properties;
  version: string | null;
  source: 'server' | 'cache';
  /** Keys the server could not decrypt (served by Spring as `invalid.<key>`). */
  invalidKeys?: string[];
}

export interface SpringEnvironment {
  name: string;
  profiles: string[];
  label: string | null;
  version: string | null;
  state?: string | null;
  propertySources: { name: string; source: Properties }[];
}

/** `a.b[0].c` -> ['a.b', [0, 'c']]: the list's key and the path inside it. */
function listPath(key: string): { stem: string; path: (string | number)[] } | undefined {
  const bracket = key.indexOf('[');
  if (bracket <= 0) return undefined;
  const path: (string | number)[] = [];
  const re = /\[(\d+)\]|\.([^.[\]]+)/gy;
  re.lastIndex = bracket;
  while (re.lastIndex < key.length) {
    const m = re.exec(key);
    if (!m) return undefined;
    path.push(m[1] !== undefined ? Number(m[1]) : (m[2] as string));
  }
  if (re.lastIndex !== key.length || typeof path[0] !== 'number') return undefined;
  return { stem: key.slice(0, bracket), path };
}

function setIn(root: unknown[], path: (string | number)[], value: unknown): void {
  let node: Record<string | number, unknown> = root as unknown as Record<number, unknown>;
  for (let i = 0; i < path.length - 1; i++) {
    const step = path[i] as string | number;
    const wantList = typeof path[i + 1] === 'number';
    const child = node[step];
    if (wantList ? !Array.isArray(child) : !child || typeof child !== 'object' || Array.isArray(child)) {
      node[step] = wantList ? [] : Object.create(null);
    }
    node = node[step] as Record<string | number, unknown>;
  }
  node[path[path.length - 1] as string | number] = value;
}

/**
 * One flat layer from Spring's property sources, the way a Spring client binds them: earlier
 * (more specific) sources win key by key, but a list is never merged across sources: the most
 * specific source that has any `key[i]` supplies the whole list. Lists are also given under
 * their own key (`kafka.brokers[0]`, `[1]` -> `kafka.brokers: [..]`; `gateway.routes[0].id` ->
 * `gateway.routes: [{id}]`) because a typed config schema names the list, not its items.
 */
export function flattenEnvironment(env: SpringEnvironment): Properties {
  const out: Properties = Object.create(null);
  const lists = new Map<string, [string, unknown][]>();
  for (const { source } of [...env.propertySources].reverse()) {
    const listed = new Map<string, [string, unknown][]>();
    for (const [key, value] of Object.entries(source)) {
      const bracket = key.indexOf('[');
      if (bracket <= 0) {
        out[key] = value;
        continue;
      }
      const stem = key.slice(0, bracket);
      if (!listed.has(stem)) listed.set(stem, []);
      listed.get(stem)?.push([key, value]);
    }
    for (const [stem, items] of listed) lists.set(stem, items);
  }
  for (const [stem, items] of lists) {
    const folded: unknown[] = [];
    let foldable = true;
    for (const [key, value] of items) {
      out[key] = value;
      const parsed = listPath(key);
      if (parsed) setIn(folded, parsed.path, value);
      else foldable = false;
    }
    // A plain value under the same key (e.g. `a.b: x,y` in a less specific source) loses to the list.
    if (foldable) out[stem] = JSON.parse(JSON.stringify(folded));
  }
  return out;
}

/** `invalid.<key>` entries: values the server could not decrypt. */
export function invalidKeysOf(properties: Properties): string[] {
  return Object.keys(properties)
    .filter((k) => k.startsWith('invalid.') && properties[k] === '<n/a>')
    .map((k) => k.slice('invalid.'.length));
}

/**
 * Reads `GET {uri}/{application}/{profile}[/{label}]` from a Spring Cloud Config server and keeps
 * the last applied answer on disk, so a service can start from it when the server is down.
 */
export class ConfigServerClient {
  /** Without user-info: it appears in errors and logs. */
  private readonly uri: string;
  private readonly authorization: string | undefined;
  private readonly application: string;
  private readonly profile: string;
  private readonly label: string | undefined;
  private readonly cacheFile: string;

  /**
   * `uri` may carry HTTP Basic credentials (`http://user:password@host:8888`, as Spring's
   * `spring.cloud.config.uri`), or give them as `username`/`password`.
   */
  constructor(options: {
    uri: string;
    application: string;
    profile: string;
    cacheDir: string;
    label?: string;
    username?: string;
    password?: string;
  }) {
    const { url, authorization } = splitCredentials(options.uri);
    this.uri = url;
    this.authorization =
      options.username !== undefined
        ? `Basic ${Buffer.from(`${options.username}:${options.password ?? ''}`, 'utf8').toString('base64')}`
        : authorization;
    this.application = options.application;
    this.profile = options.profile;
    this.label = options.label;
    this.cacheFile = join(options.cacheDir, `${options.application}-${options.profile}.json`);
  }

  get url(): string {
    const label = this.label ? `/${encodeURIComponent(this.label.replaceAll('/', '(_)'))}` : '';
    return `${this.uri}/${encodeURIComponent(this.application)}/${encodeURIComponent(this.profile)}${label}`;
  }

  /** The server's answer (not cached: call saveCache once it has been applied). */
  async fetch(timeoutMs = 3000): Promise<ServerLayer> {
    const url = this.url;
    const response = await fetch(url, {
      signal: AbortSignal.timeout(timeoutMs),
      headers: { accept: 'application/json', ...(this.authorization ? { authorization: this.authorization } : {}) },
    });
    if (!response.ok) throw new Error(`config server answered ${response.status} for ${url}`);
    const env = (await response.json()) as SpringEnvironment;
    if (!env || !Array.isArray(env.propertySources))
      throw new Error(`config server sent no propertySources for ${url}`);
    const properties = flattenEnvironment(env);
    return { properties, version: env.version ?? null, source: 'server', invalidKeys: invalidKeysOf(properties) };
  }

  /** The server's answer, or the cached one when the server cannot be reached. */
  async fetchOrCache(timeoutMs = 3000): Promise<ServerLayer & { error?: string }> {
    try {
      return await this.fetch(timeoutMs);
    } catch (error) {
      const cached = await this.readCache();
      if (!cached) throw error;
      return { ...cached, source: 'cache', error: (error as Error).message };
    }
  }

  /** Keeps a layer that was applied. Owner-only file: it may hold decrypted secrets. */
  async saveCache(layer: ServerLayer): Promise<void> {
    await mkdir(join(this.cacheFile, '..'), { recursive: true, mode: 0o700 });
    // Unique per write: several instances (even in one process) may share this file.
    const tmp = `${this.cacheFile}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(tmp, JSON.stringify({ properties: layer.properties, version: layer.version }), { mode: 0o600 });
    await chmod(tmp, 0o600);
    await rename(tmp, this.cacheFile);
  }

  async readCache(): Promise<ServerLayer | undefined> {
    try {
      const data = JSON.parse(await readFile(this.cacheFile, 'utf8')) as {
        properties: Properties;
        version: string | null;
      };
      if (!data || typeof data.properties !== 'object') return undefined;
      return { properties: data.properties, version: data.version ?? null, source: 'cache' };
    } catch {
      return undefined;
    }
  }
}
