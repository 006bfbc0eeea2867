import type { IncomingHttpHeaders } from 'node:http';
import { unauthorized } from './problem-error.ts';
import { developmentPublicKeysOf } from './service-keys.ts';
import {
  DEVELOPMENT_SERVICE_KEY,
  type ServiceTrust,
  type SignedFields,
  signedHeaders,
  type Verification,
  verifySignedHeaders,
} from './service-trust.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The signed-in user a request is made for, as the gateway verified it. */
export interface Caller {
  userId: string;
  sessionId: string | undefined;
  roles: readonly string[];
}

/** A Fastify request, Node's IncomingMessage, or (in unit tests) just `{headers}`. */
type RequestLike = {
  headers: IncomingHttpHeaders;
  method?: string | undefined;
  url?: string | undefined;
  raw?: { method?: string | undefined; url?: string | undefined };
  socket?: { remoteAddress?: string | undefined; server?: unknown };
};

/** The keys of each kit app's HTTP server, for requests that reach a service outside Fastify (upgrades). */
const trustOfServer = new WeakMap<object, ServiceTrust>();

export function trustServer(server: object, trust: ServiceTrust): void {
  trustOfServer.set(server, trust);
}

/** Identities verified by a kit app, by the request's headers object (Fastify shares Node's). */
const verified = new WeakMap<IncomingHttpHeaders, SignedFields | null>();
/** Set once a process runs on real keys: from then on the development key is never accepted. */
let realKeysInUse = false;
/** Likewise for the development service key pairs. */
let realServiceKeysInUse = false;

/** The kit's apps call this when they start on configured shared keys (see startService). */
export function refuseDevelopmentKey(): void {
  realKeysInUse = true;
}

/** The kit's apps call this when they start on configured service key pairs (see startService). */
export function refuseDevelopmentServiceKeys(): void {
  realServiceKeysInUse = true;
}

/**
 * Verifies a request's identity headers with the app's keys and remembers the result for
 * `caller()`. Every kit app runs it on every request (onRequest) and every upgrade.
 */
export function verifyRequestIdentity(
  trust: ServiceTrust,
  request: { headers: IncomingHttpHeaders; method?: string | undefined; url?: string | undefined },
): Verification {
  const result = trust.verify(request.headers, request.method, request.url);
  if (result.ok) verified.set(request.headers, result.fields ?? null);
  return result;
}

/** The verified x-phzzk-* fields of a request; 401 IDENTITY_UNVERIFIED when they do not verify. */
export function verifiedIdentity(request: RequestLike): SignedFields | undefined {
  const known = verified.get(request.headers);
  if (known !== undefined) return known ?? undefined;
  // An upgrade a service handles on its server: that server's keys. Anything else no kit app has
  // seen (a plain object in a unit test): the development key, unless this process runs on real keys.
  const server = request.socket?.server;
  const trust = typeof server === 'object' && server !== null ? trustOfServer.get(server) : undefined;
  const method = request.raw?.method ?? request.method;
  const url = request.raw?.url ?? request.url;
  const result = trust
    ? trust.verify(request.headers, method, url)
    : verifySignedHeaders(
        realKeysInUse ? [] : [DEVELOPMENT_SERVICE_KEY],
        request.headers,
        method,
        url,
        Date.now(),
        realServiceKeysInUse ? () => [] : developmentPublicKeysOf,
      );
  if (!result.ok) throw unauthorized('IDENTITY_UNVERIFIED', 'The identity headers of this request do not verify.');
  verified.set(request.headers, result.fields ?? null);
  return result.fields;
}

/**
 * The caller the gateway passed on, or undefined for an anonymous request. Every service reads
 * identity here and nowhere else: the headers count only when their signature verifies.
 */
export function optionalCaller(request: RequestLike): Caller | undefined {
  const fields = verifiedIdentity(request);
  const userId = fields?.userId;
  if (!userId || !UUID.test(userId)) return undefined;
  return {
    userId,
    sessionId: fields.sessionId || undefined,
    roles: fields.roles ? fields.roles.split(',').filter((r) => r !== '') : [],
  };
}

/** The caller, or 401 AUTH_REQUIRED. */
export function caller(request: RequestLike): Caller {
  const found = optionalCaller(request);
  if (!found) throw unauthorized('AUTH_REQUIRED', 'This endpoint needs a signed-in user.');
  return found;
}

/**
 * The client's address: the one the gateway signed, else the socket's peer (a direct caller).
 * Never X-Forwarded-For, which anyone can write.
 */
export function clientAddress(request: RequestLike): string {
  return verifiedIdentity(request)?.clientIp ?? request.socket?.remoteAddress ?? '';
}

/** The calling service on a service-to-service request, when its credential verified. */
export function callingService(request: RequestLike): string | undefined {
  return verifiedIdentity(request)?.service;
}

export interface IdentityHeaderOptions {
  /** The key to sign with; by default the development key (what a service without configured keys accepts). */
  key?: string;
  /** Binds the signature to this request (as the gateway does); unbound signatures live up to an hour. */
  method?: string;
  path?: string;
  clientIp?: string;
}

/**
 * Headers that make a request come from `who` (an empty `who` with a `clientIp`: an anonymous
 * caller at that address), signed (for tests and in-process callers):
 * `app.inject({ headers: identityHeaders({ userId }) })` or a fetch to a service started without
 * keys; pass `{ key }` for a service started with SECURITY_SERVICE_KEYS.
 */
export function identityHeaders(
  who: { userId?: string; sessionId?: string; roles?: readonly string[] },
  options: IdentityHeaderOptions = {},
): Record<string, string> {
  return signedHeaders(
    options.key ?? DEVELOPMENT_SERVICE_KEY,
    {
      userId: who.userId,
      sessionId: who.sessionId,
      roles: who.roles && who.roles.length > 0 ? who.roles.join(',') : undefined,
      clientIp: options.clientIp,
    },
    options.method !== undefined && options.path !== undefined ? { method: options.method, path: options.path } : {},
  );
}
