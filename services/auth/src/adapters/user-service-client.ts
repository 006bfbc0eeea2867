import { type DiscoveryClient, instanceUrl } from '@phzzk/kit';
import { DomainError, kindOfStatus } from '@phzzk/kit/errors';
import type { Account, SocialIdentity, UserDirectory } from '../domain/ports.ts';

/** Connection errors where the request certainly did not reach the instance: safe to try another. */
const NOTHING_SENT = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT', 'EAI_AGAIN']);
const PROBLEM_FIELDS = new Set(['type', 'title', 'status', 'code', 'detail', 'instance', 'requestId']);

const unavailable = () =>
  new DomainError(
    'unavailable',
    'USER_SERVICE_UNAVAILABLE',
    'Accounts cannot be reached right now; try again shortly.',
  );

/**
 * The user service's internal API, found through discovery. A refused connection moves on to the
 * next instance; the user service's 4xx problems (WEAK_PASSWORD, EMAIL_TAKEN ...) reach the client
 * unchanged, its failures become 503.
 */
export class UserServiceClient implements UserDirectory {
  private readonly discovery: DiscoveryClient;
  private readonly timeoutMs: () => number;
  private readonly credential: (method: string, path: string) => Record<string, string>;
  private cursor = 0;

  constructor(options: {
    discovery: DiscoveryClient;
    timeoutMs: () => number;
    /** This service's signed credential for the user service's /internal routes (ctx.trust.internalHeaders). */
    credential: (method: string, path: string) => Record<string, string>;
  }) {
    this.discovery = options.discovery;
    this.timeoutMs = options.timeoutMs;
    this.credential = options.credential;
  }

  private async call(
    method: string,
    path: string,
    body: unknown,
    requestId: string,
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    const instances = this.discovery.instances('user');
    if (instances.length === 0) throw unavailable();
    const start = this.cursor++;
    for (let i = 0; i < instances.length; i++) {
      const instance = instances[(start + i) % instances.length]!;
      let response: Response;
      try {
        response = await fetch(`${instanceUrl(instance)}${path}`, {
          method,
          headers: {
            accept: 'application/json',
            'x-request-id': requestId,
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            ...this.credential(method, path),
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          signal: AbortSignal.timeout(this.timeoutMs()),
        });
      } catch (error) {
        const code = (error as { cause?: { code?: string } }).cause?.code;
        if (code && NOTHING_SENT.has(code)) continue;
        throw unavailable();
      }
      const text = await response.text();
      let parsed: Record<string, unknown> = {};
      try {
        parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      } catch {
        throw unavailable();
      }
      if (response.status >= 500) throw unavailable();
      return { status: response.status, body: parsed };
    }
    throw unavailable();
  }

  private problem(res: { status: number; body: Record<string, unknown> }): DomainError {
    const extra = Object.fromEntries(Object.entries(res.body).filter(([k]) => !PROBLEM_FIELDS.has(k)));
    const code = typeof res.body.code === 'string' ? res.body.code : 'USER_SERVICE_ERROR';
    const detail = typeof res.body.detail === 'string' ? res.body.detail : 'The account request failed.';
    return new DomainError(kindOfStatus(res.status), code, detail, extra);
  }

  private async expect(
    status: number,
    res: { status: number; body: Record<string, unknown> },
  ): Promise<Record<string, unknown>> {
    if (res.status !== status) throw this.problem(res);
    return res.body;
  }

  async create(
    input: { email: string; nickname: string; password: string; identity?: SocialIdentity },
    requestId: string,
  ) {
    return (await this.expect(
      201,
      await this.call('POST', '/internal/accounts', input, requestId),
    )) as unknown as Account;
  }

  async verifyCredentials(email: string, password: string, requestId: string) {
    const res = await this.call('POST', '/internal/credentials/verify', { email, password }, requestId);
    return (await this.expect(200, res)) as unknown as Account;
  }

  private async optional(res: { status: number; body: Record<string, unknown> }): Promise<Account | undefined> {
    if (res.status === 404) return undefined;
    return (await this.expect(200, res)) as unknown as Account;
  }

  async byId(id: string, requestId: string) {
    return this.optional(await this.call('GET', `/internal/accounts/${encodeURIComponent(id)}`, undefined, requestId));
  }

  async byEmail(email: string, requestId: string) {
    return this.optional(await this.call('POST', '/internal/accounts/lookup', { email }, requestId));
  }

  async byIdentity(provider: string, subject: string, requestId: string) {
    return this.optional(await this.call('POST', '/internal/accounts/lookup', { provider, subject }, requestId));
  }

  async link(accountId: string, identity: SocialIdentity, requestId: string) {
    const res = await this.call(
      'POST',
      `/internal/accounts/${encodeURIComponent(accountId)}/identities`,
      identity,
      requestId,
    );
    return (await this.expect(200, res)) as unknown as { account: Account; emailNewlyVerified: boolean };
  }
}
