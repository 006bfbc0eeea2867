import { createHash } from 'node:crypto';
import { createRedis, identityHeaders, type Redis } from '@phzzk/kit';
import { ApiClient } from '@phzzk/testing';
import type { JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessTokenVerifier } from '../src/adapters/access-token-verifier.ts';
import { AUDIENCE, ISSUER, newAccount, startIdentity, type Tokens } from './support.ts';
import { startTestProvider, TestBrowser } from './oidc-test-provider.ts';

const PUBLIC = 'http://phzzk.test';
const PROVIDER = 'testidp';
const hash = (v: string) => createHash('sha256').update(v).digest('base64url');

type SignupRequired = {
  status: 'signup_required';
  signupTicket: string;
  email: string;
  provider: string;
  returnTo: string;
};
type Authenticated = Tokens & { status: 'authenticated'; returnTo: string };

describe('social login against a real OpenID Connect provider (oidc-provider)', () => {
  let idp: Awaited<ReturnType<typeof startTestProvider>>;
  let id: Awaited<ReturnType<typeof startIdentity>>;
  let users: ApiClient;
  let redis: Redis;
  let n = 0;
  const person = (over: { email?: string; email_verified?: boolean } = {}) => {
    const tag = `${Date.now().toString(36)}${n++}`;
    return {
      sub: `idp-${tag}`,
      email: `social.${tag}@example.com`,
      email_verified: true,
      name: `Social ${tag}`,
      ...over,
    };
  };

  /** authorize at PHZZK, sign in at the provider; returns the callback URL the provider sent back. */
  async function throughProvider(browser: TestBrowser, returnTo = '/watch') {
    const start = await browser.get(
      `${id.auth.url}/api/auth/social/${PROVIDER}/authorize?returnTo=${encodeURIComponent(returnTo)}`,
    );
    expect(start.status).toBe(302);
    const authorizeUrl = new URL(start.headers.get('location')!);
    const callback = await browser.followUntil(authorizeUrl.toString(), PUBLIC);
    return { authorizeUrl, callback, setCookie: start.headers.getSetCookie().join('\n') };
  }

  /** The callback as the browser would deliver it (through the gateway at PUBLIC); here straight to auth. */
  const deliver = (browser: TestBrowser, callback: URL, accept = 'application/json') =>
    browser.get(`${id.auth.url}${callback.pathname}${callback.search}`, { accept });

  async function login(account: ReturnType<typeof person>, browser = new TestBrowser()) {
    idp.signInAs(account);
    const { callback } = await throughProvider(browser);
    const res = await deliver(browser, callback);
    const body = (await res.json()) as Record<string, unknown>;
    if (process.env.DEBUG_SOCIAL) console.log('LOGIN', res.status, JSON.stringify(body), callback.toString());
    return { status: res.status, body, browser, callback };
  }

  beforeAll(async () => {
    idp = await startTestProvider({
      clientId: 'phzzk-web',
      clientSecret: 'a-client-secret-for-tests',
      redirectUris: [`${PUBLIC}/api/auth/social/${PROVIDER}/callback`],
    });
    id = await startIdentity({
      AUTH_PUBLIC_URL: PUBLIC,
      AUTH_SOCIAL_PROVIDERS: JSON.stringify([
        {
          id: PROVIDER,
          preset: 'oidc',
          issuer: idp.issuer,
          clientId: 'phzzk-web',
          clientSecret: 'a-client-secret-for-tests',
        },
      ]),
    });
    users = id.user.api;
    redis = createRedis(id.infra.redisUrl, 'social-test');
  });
  afterAll(async () => {
    redis?.disconnect();
    await id?.stop();
    await idp?.close();
  });

  it('redirects to the provider with PKCE (S256), state and nonce, bound to an HttpOnly cookie', async () => {
    idp.signInAs(person());
    const browser = new TestBrowser();
    const start = await browser.get(
      `${id.auth.url}/api/auth/social/${PROVIDER}/authorize?returnTo=https://evil.example`,
    );
    const url = new URL(start.headers.get('location')!);
    expect(url.origin).toBe(idp.issuer);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(url.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(url.searchParams.get('nonce')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(url.searchParams.get('redirect_uri')).toBe(`${PUBLIC}/api/auth/social/${PROVIDER}/callback`);
    const cookie = start.headers.getSetCookie()[0]!;
    expect(cookie).toMatch(
      /^phzzk_social=[A-Za-z0-9_-]{43}; Path=\/api\/auth\/social; Max-Age=600; HttpOnly; SameSite=Lax$/,
    );
    const pending = JSON.parse((await redis.get(`${id.prefix}social:state:${hash(url.searchParams.get('state')!)}`))!);
    expect(pending.returnTo).toBe('/'); // an absolute returnTo is never kept: no open redirect
    expect(await redis.ttl(`${id.prefix}social:state:${hash(url.searchParams.get('state')!)}`)).toBeGreaterThan(590);
    const unknown = await browser.get(`${id.auth.url}/api/auth/social/nope/authorize`);
    expect(unknown.status).toBe(404);
  });

  it('signs a new person up: the email is the provider’s and fixed, nickname and password are theirs', async () => {
    const who = person();
    const first = await login(who);
    expect(first.status).toBe(200);
    const pending = first.body as unknown as SignupRequired;
    expect(pending).toMatchObject({
      status: 'signup_required',
      email: who.email,
      provider: PROVIDER,
      returnTo: '/watch',
    });

    const weak = await id.api.post('/api/auth/social/signup', {
      signupTicket: pending.signupTicket,
      nickname: `s${n++}x`,
      password: 'password1234',
    });
    expect(weak.body).toMatchObject({ code: 'WEAK_PASSWORD' });
    const done = await id.api.post<Tokens>('/api/auth/social/signup', {
      signupTicket: pending.signupTicket,
      nickname: `소셜${n++}`,
      password: 'amber meadow crossing 9',
    });
    expect(done.status).toBe(201);
    const verifier = await AccessTokenVerifier.fromJwks(
      (await id.api.get<{ keys: JWK[] }>('/api/auth/jwks.json')).body,
      {
        issuer: ISSUER,
        audience: AUDIENCE,
      },
    );
    const access = await verifier.verify(done.body.accessToken);
    const me = await users.get<{
      email: string;
      signupMethod: string;
      emailChangeable: boolean;
      identities: { provider: string }[];
    }>('/api/users/me', identityHeaders({ userId: access.userId }));
    expect(me.body).toMatchObject({
      email: who.email,
      signupMethod: PROVIDER,
      emailChangeable: false,
      identities: [{ provider: PROVIDER }],
    });
    const change = await users.patch(
      '/api/users/me',
      { email: `changed.${n}@example.com`, currentPassword: 'amber meadow crossing 9' },
      identityHeaders({ userId: access.userId }),
    );
    expect(change.status).toBe(403);
    expect(change.body).toMatchObject({ code: 'EMAIL_CHANGE_FORBIDDEN' });

    // The ticket works once, and is never an access token.
    const again = await id.api.post('/api/auth/social/signup', {
      signupTicket: pending.signupTicket,
      nickname: `t${n++}x`,
      password: 'amber meadow crossing 9',
    });
    expect(again.status).toBe(401);
    expect(again.body).toMatchObject({ code: 'SIGNUP_TICKET_USED' });
    await expect(verifier.verify(pending.signupTicket)).rejects.toMatchObject({ code: 'TOKEN_INVALID' });
    const [h, p, s] = pending.signupTicket.split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p!, 'base64url').toString()), email: 'victim@example.com' })).toString('base64url')}.${s}`;
    const tampered = await id.api.post('/api/auth/social/signup', {
      signupTicket: forged,
      nickname: `u${n++}x`,
      password: 'amber meadow crossing 9',
    });
    expect(tampered.body).toMatchObject({ code: 'SIGNUP_TICKET_INVALID' });
    const accessAsTicket = await id.api.post('/api/auth/social/signup', {
      signupTicket: done.body.accessToken,
      nickname: `v${n++}x`,
      password: 'amber meadow crossing 9',
    });
    expect(accessAsTicket.body).toMatchObject({ code: 'SIGNUP_TICKET_INVALID' });

    // Next time the linked identity logs straight in.
    const second = await login(who);
    expect(second.body).toMatchObject({ status: 'authenticated', tokenType: 'Bearer', returnTo: '/watch' });
    expect((await verifier.verify((second.body as unknown as Authenticated).accessToken)).userId).toBe(access.userId);
  });

  it('logs into the password account with the same verified email, links it, and ends earlier sessions', async () => {
    const account = newAccount();
    const before = await id.api.post<Tokens>('/api/auth/signup', account);
    expect(before.status).toBe(201);
    const who = person({ email: account.email.toUpperCase() });
    const res = await login(who);
    expect(res.body).toMatchObject({ status: 'authenticated' });
    const linked = await users.post<{ email: string; emailVerified: boolean }>('/internal/accounts/lookup', {
      provider: PROVIDER,
      subject: who.sub,
    });
    expect(linked.body).toMatchObject({ email: account.email, emailVerified: true });
    // The password may have been set by someone who never owned the email: its sessions end.
    const old = await id.api.post('/api/auth/refresh', { refreshToken: before.body.refreshToken });
    expect(old.body).toMatchObject({ code: 'REFRESH_TOKEN_REVOKED' });
    const fresh = await id.api.post('/api/auth/refresh', {
      refreshToken: (res.body as unknown as Authenticated).refreshToken,
    });
    expect(fresh.status).toBe(200);
  });

  it('never lets an unverified provider email into an existing account (403 SOCIAL_EMAIL_UNVERIFIED)', async () => {
    const account = newAccount();
    await id.api.post('/api/auth/signup', account);
    const who = person({ email: account.email, email_verified: false });
    const res = await login(who);
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ code: 'SOCIAL_EMAIL_UNVERIFIED' });
    expect(res.body).not.toHaveProperty('accessToken');
    expect((await users.post('/internal/accounts/lookup', { provider: PROVIDER, subject: who.sub })).status).toBe(404);
    const stranger = await login(person({ email_verified: false }));
    expect(stranger.body).toMatchObject({ code: 'SOCIAL_EMAIL_UNVERIFIED' });
  });

  it('sends a browser to the web app with a one-time code bound to its cookie', async () => {
    const who = person();
    const browser = new TestBrowser();
    idp.signInAs(who);
    const { callback } = await throughProvider(browser, '/channel/7');
    const res = await deliver(browser, callback, 'text/html,application/xhtml+xml');
    expect(res.status).toBe(302);
    const target = new URL(res.headers.get('location')!);
    expect(`${target.origin}${target.pathname}`).toBe(`${PUBLIC}/auth/complete`);
    expect(target.search).toBe('');
    const code = new URLSearchParams(target.hash.slice(1)).get('code')!;
    expect(code).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const api = new ApiClient(id.auth.url);
    const stolen = await api.post('/api/auth/social/exchange', { code });
    expect(stolen.status).toBe(400);
    expect(stolen.body).toMatchObject({ code: 'SOCIAL_CODE_INVALID' });
    // The stolen attempt consumed nothing it could use; the real browser logs in with another round.
    idp.signInAs(who);
    const again = await throughProvider(browser, '/channel/7');
    const redirect = await deliver(browser, again.callback, 'text/html');
    const code2 = new URLSearchParams(new URL(redirect.headers.get('location')!).hash.slice(1)).get('code')!;
    const cookie = `phzzk_social=${browser.cookies(new URL(id.auth.url).origin).get('phzzk_social')}`;
    const exchanged = await api.post<SignupRequired>('/api/auth/social/exchange', { code: code2 }, { cookie });
    expect(exchanged.status).toBe(200);
    expect(exchanged.body).toMatchObject({ status: 'signup_required', email: who.email, returnTo: '/channel/7' });
    const twice = await api.post('/api/auth/social/exchange', { code: code2 }, { cookie });
    expect(twice.status).toBe(400);

    // A browser without a session at the provider, where the person refuses.
    const other = new TestBrowser();
    idp.refuseNext();
    const refused = await throughProvider(other);
    const errorRedirect = await deliver(other, refused.callback, 'text/html');
    expect(errorRedirect.headers.get('location')).toBe(`${PUBLIC}/auth/complete#error=SOCIAL_ACCESS_DENIED`);
  });

  it('refuses a bad state, a callback from another browser, and a replayed callback', async () => {
    const who = person();
    const browser = new TestBrowser();
    idp.signInAs(who);
    const { callback } = await throughProvider(browser);

    const badState = new URL(callback);
    badState.searchParams.set('state', 'A'.repeat(43));
    const bad = await deliver(browser, badState);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: 'SOCIAL_STATE_INVALID' });

    const otherBrowser = await deliver(new TestBrowser(), callback);
    expect(otherBrowser.status).toBe(400);
    expect(await otherBrowser.json()).toMatchObject({ code: 'SOCIAL_STATE_INVALID' });
    // The state was consumed by that attempt: the real browser must start again (single use).
    const replay = await deliver(browser, callback);
    expect(replay.status).toBe(400);

    idp.signInAs(who);
    const fresh = await throughProvider(browser);
    expect((await deliver(browser, fresh.callback)).status).toBe(200);
    const replayed = await deliver(browser, fresh.callback);
    expect(replayed.status).toBe(400);
    expect(await replayed.json()).toMatchObject({ code: 'SOCIAL_STATE_INVALID' });
  });

  it('refuses a replayed authorization code under a new state (the provider rejects it)', async () => {
    const who = person();
    const browser = new TestBrowser();
    idp.signInAs(who);
    const used = await throughProvider(browser);
    expect((await deliver(browser, used.callback)).status).toBe(200);
    const start = await browser.get(`${id.auth.url}/api/auth/social/${PROVIDER}/authorize`);
    const state = new URL(start.headers.get('location')!).searchParams.get('state')!;
    const forged = new URL(used.callback);
    forged.searchParams.set('state', state);
    const res = await deliver(browser, forged);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'SOCIAL_CODE_REJECTED' });
  });

  it('refuses an ID token whose nonce is not the one sent', async () => {
    const who = person();
    const browser = new TestBrowser();
    idp.signInAs(who);
    const start = await browser.get(`${id.auth.url}/api/auth/social/${PROVIDER}/authorize`);
    const authorizeUrl = new URL(start.headers.get('location')!);
    const key = `${id.prefix}social:state:${hash(authorizeUrl.searchParams.get('state')!)}`;
    const pending = JSON.parse((await redis.get(key))!);
    await redis.set(key, JSON.stringify({ ...pending, nonce: 'a-different-nonce-than-the-id-token-has' }), 'KEEPTTL');
    const callback = await browser.followUntil(authorizeUrl.toString(), PUBLIC);
    const res = await deliver(browser, callback);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ code: 'SOCIAL_ID_TOKEN_INVALID' });
  });

  it('reports a provider error without logging anyone in', async () => {
    const browser = new TestBrowser();
    idp.refuseNext();
    const { callback } = await throughProvider(browser);
    expect(callback.searchParams.get('error')).toBe('access_denied');
    const res = await deliver(browser, callback);
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ code: 'SOCIAL_ACCESS_DENIED' });
  });
});
