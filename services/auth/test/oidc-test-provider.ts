import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

export interface TestAccount {
  sub: string;
  email?: string;
  email_verified?: boolean;
  name?: string;
}

/**
 * A real OpenID Connect provider (oidc-provider) on a free loopback port, for end-to-end social
 * login tests. Who "signs in" there, or whether the user refuses, is set by the test.
 */
export async function startTestProvider(options: { clientId: string; clientSecret: string; redirectUris: string[] }) {
  const accounts = new Map<string, TestAccount>();
  const state = { next: undefined as TestAccount | undefined, deny: false };
  const server: Server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: options.clientId,
        client_secret: options.clientSecret,
        redirect_uris: options.redirectUris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    pkce: { required: () => true },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    cookies: { keys: ['phzzk-test-cookie-key-0123456789'] },
    findAccount: async (_ctx: unknown, sub: string) => {
      const account = accounts.get(sub);
      return account ? { accountId: sub, claims: async () => account } : undefined;
    },
  });
  provider.on('server_error', () => {});
  const handle = provider.callback();
  server.on('request', async (req, res) => {
    if (!req.url?.startsWith('/interaction/')) return handle(req, res);
    try {
      const details = await provider.interactionDetails(req, res);
      if (state.deny) {
        await provider.interactionFinished(
          req,
          res,
          { error: 'access_denied', error_description: 'refused' },
          { mergeWithLastSubmission: false },
        );
        return;
      }
      const account = state.next;
      if (!account) throw new Error('the test chose no account');
      accounts.set(account.sub, account);
      const grant = new provider.Grant({ accountId: account.sub, clientId: details.params.client_id! });
      grant.addOIDCScope(details.params.scope ?? 'openid');
      const grantId = await grant.save();
      await provider.interactionFinished(
        req,
        res,
        { login: { accountId: account.sub }, consent: { grantId } },
        { mergeWithLastSubmission: false },
      );
    } catch (error) {
      res.writeHead(500).end(String(error));
    }
  });
  return {
    issuer,
    /** The next sign-in at the provider is this person (or a refusal). */
    signInAs(account: TestAccount) {
      state.next = account;
      state.deny = false;
    },
    refuseNext() {
      state.deny = true;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** A tiny browser: follows redirects by hand and keeps cookies per origin. */
export class TestBrowser {
  private readonly jar = new Map<string, Map<string, string>>();

  cookies(origin: string): Map<string, string> {
    let map = this.jar.get(origin);
    if (!map) {
      map = new Map();
      this.jar.set(origin, map);
    }
    return map;
  }

  async get(url: string, headers: Record<string, string> = {}): Promise<Response> {
    const target = new URL(url);
    const cookie = [...this.cookies(target.origin)].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(target, {
      redirect: 'manual',
      headers: { ...(cookie ? { cookie } : {}), ...headers },
      signal: AbortSignal.timeout(10_000),
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair = '', ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => /max-age=0/i.test(a.trim()) || /expires=thu, 01 jan 1970/i.test(a.trim()));
      if (expired || value === '') this.cookies(target.origin).delete(name);
      else this.cookies(target.origin).set(name, value);
    }
    return res;
  }

  /** Follows redirects while they stay on `within` origins; returns the first redirect leaving them. */
  async followUntil(url: string, leavesTo: string): Promise<URL> {
    let current = url;
    for (let i = 0; i < 10; i++) {
      const res = await this.get(current);
      const location = res.headers.get('location');
      if (!location) throw new Error(`no redirect from ${current} (${res.status}): ${await res.text()}`);
      const next = new URL(location, current);
      if (next.toString().startsWith(leavesTo)) return next;
      current = next.toString();
    }
    throw new Error('too many redirects');
  }
}
