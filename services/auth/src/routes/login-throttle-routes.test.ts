import { DEVELOPMENT_SERVICE_KEY, signedHeaders } from '@phzzk/kit';
import { unauthenticated } from '@phzzk/kit/errors';
import { routeTestApp } from '@phzzk/testing';
import { describe, expect, it } from 'vitest';
import { nodeSecrets } from '../adapters/node-secrets.ts';
import { buildAuthApp } from '../app.ts';
import type { LoginThrottleSettings } from '../domain/login-throttle.ts';
import type {
  Account,
  AttemptLimiter,
  DeviceRegistry,
  SessionStore,
  TokenIssuer,
  UserDirectory,
} from '../domain/ports.ts';
import { Sessions } from '../domain/sessions.ts';

// POST /api/auth/login through inject(), on in-memory fakes of the limiter, the device registry,
// the user directory and the session store, with a clock the test moves: which attempts are
// refused, with which Retry-After, and that nobody but the owner's device can spend its budget.

const OWNER = { email: 'owner@example.com', password: 'correct horse battery 9' };
const account: Account = {
  id: '00000000-0000-4000-8000-0000000000a1',
  email: OWNER.email,
  nickname: 'owner',
  signupMethod: 'password',
  emailVerified: false,
  roles: ['user'],
};

const SETTINGS: LoginThrottleSettings = {
  maxFailuresPerIp: 100,
  maxFailuresPerAccount: 6,
  windowSeconds: 900,
  freeFailuresPerAccountAndIp: 3,
  backoffBaseSeconds: 2,
  backoffMaxSeconds: 60,
  maxFailuresPerDevice: 4,
  deviceTtlSeconds: 86_400,
};

/** The Redis limiter's rules over a Map and the test's clock. */
class MemoryLimiter implements AttemptLimiter {
  readonly counts = new Map<string, { n: number; until: number }>();
  readonly backoffs = new Map<string, { n: number; next: number }>();
  private readonly clock: { now: number };
  constructor(clock: { now: number }) {
    this.clock = clock;
  }

  async reserve(keys: { key: string; limit: number }[], windowSeconds: number) {
    const live = (key: string) => {
      const c = this.counts.get(key);
      return c && c.until > this.clock.now ? c : undefined;
    };
    let wait = -1;
    for (const { key, limit } of keys) {
      const c = live(key);
      if (c && c.n >= limit) wait = Math.max(wait, c.until - this.clock.now);
    }
    if (wait >= 0) return { allowed: false as const, retryAfterSeconds: Math.ceil(wait / 1000) };
    for (const { key } of keys) {
      const c = live(key) ?? { n: 0, until: this.clock.now + windowSeconds * 1000 };
      this.counts.set(key, { ...c, n: c.n + 1 });
    }
    return { allowed: true as const };
  }

  async backoff(key: string, p: { freeFailures: number; baseMs: number; maxMs: number }, nowMs: number) {
    const s = this.backoffs.get(key) ?? { n: 0, next: 0 };
    if (nowMs < s.next) return { allowed: false as const, retryAfterSeconds: Math.ceil((s.next - nowMs) / 1000) };
    const n = s.n + 1;
    const delay = n >= p.freeFailures ? Math.min(p.maxMs, p.baseMs * 2 ** (n - p.freeFailures)) : 0;
    this.backoffs.set(key, { n, next: nowMs + delay });
    return { allowed: true as const };
  }

  async release(resetKeys: string[], refundKeys: string[]) {
    for (const key of resetKeys) {
      this.counts.delete(key);
      this.backoffs.delete(key);
    }
    for (const key of refundKeys) {
      const c = this.counts.get(key);
      if (c && c.n > 0) c.n -= 1;
    }
  }
}

class MemoryDevices implements DeviceRegistry {
  readonly bound = new Map<string, string>();
  async accountOf(hash: string) {
    return this.bound.get(hash);
  }
  async remember(hash: string, accountKey: string) {
    this.bound.set(hash, accountKey);
  }
}

function loginApp() {
  const clock = { now: Date.parse('2026-12-01T00:00:00Z') };
  const users = {
    verifyCredentials: async (email: string, password: string) => {
      if (email === OWNER.email && password === OWNER.password) return account;
      throw unauthenticated('INVALID_CREDENTIALS', 'no');
    },
  } as unknown as UserDirectory;
  const store = { create: async () => {} } as unknown as SessionStore;
  const issuer = {
    accessToken: async () => ({ token: 'header.payload.signature', expiresIn: 600 }),
  } as unknown as TokenIssuer;
  const sessions = new Sessions({
    users,
    store,
    issuer,
    limiter: new MemoryLimiter(clock),
    devices: new MemoryDevices(),
    secrets: nodeSecrets,
    now: () => clock.now,
    settings: () => ({
      accessTtlSeconds: 600,
      refreshTtlSeconds: 3600,
      sessionMaxAgeSeconds: 7200,
      refreshGraceSeconds: 5,
      login: SETTINGS,
      signup: { maxPerIp: 10, windowSeconds: 60 },
    }),
  });
  const app = buildAuthApp({
    app: routeTestApp('auth'),
    sessions,
    social: {} as never,
    keyring: () => ({ jwks: () => ({ keys: [] }) }),
    socialSettings: () => ({
      publicUrl: 'https://live.example',
      completeUrl: '/auth/complete',
      stateTtlSeconds: 600,
      resultTtlSeconds: 60,
      providers: [],
    }),
  });
  const login = (from: string, password: string, device?: string, email = OWNER.email) =>
    app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email, password },
      headers: {
        ...signedHeaders(DEVELOPMENT_SERVICE_KEY, { clientIp: from }),
        ...(device ? { cookie: `other=1; phzzk_device=${device}` } : {}),
      },
    });
  return { app, clock, login };
}

const deviceOf = (res: { headers: Record<string, unknown> }) =>
  /phzzk_device=([A-Za-z0-9_-]+)/.exec(String(res.headers['set-cookie']))?.[1];

describe('POST /api/auth/login throttling (fake ports)', () => {
  it('sets an HttpOnly, SameSite=Lax device cookie scoped to the login route on success', async () => {
    const { login } = loginApp();
    const ok = await login('203.0.113.1', OWNER.password);
    expect(ok.statusCode).toBe(200);
    const cookie = String(ok.headers['set-cookie']);
    expect(cookie).toMatch(
      /^phzzk_device=[A-Za-z0-9_-]{43}; Path=\/api\/auth\/login; Max-Age=86400; HttpOnly; SameSite=Lax; Secure$/,
    );
    // The device keeps its token on the next login (the cookie is renewed, not replaced).
    const again = await login('198.51.100.9', OWNER.password, deviceOf(ok));
    expect(deviceOf(again)).toBe(deviceOf(ok));
    expect((await login('203.0.113.1', 'wrong')).headers['set-cookie']).toBeUndefined();
  });

  it('delays failures per account and address: 3 free, then 2 s, 4 s, 8 s (429 + Retry-After)', async () => {
    const { login, clock } = loginApp();
    for (let i = 0; i < 3; i++) expect((await login('203.0.113.5', `guess ${i}`)).statusCode).toBe(401);
    const early = await login('203.0.113.5', 'guess 3');
    expect(early.statusCode).toBe(429);
    expect(early.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(early.json()).toMatchObject({ code: 'TOO_MANY_ATTEMPTS' });
    expect(early.headers['retry-after']).toBe('2');
    clock.now += 2000;
    expect((await login('203.0.113.5', 'guess 4')).statusCode).toBe(401);
    expect((await login('203.0.113.5', 'guess 5')).headers['retry-after']).toBe('4');
    clock.now += 4000;
    expect((await login('203.0.113.5', 'guess 6')).statusCode).toBe(401);
    expect((await login('203.0.113.5', 'guess 7')).headers['retry-after']).toBe('8');
    // The delay is this address's: the owner elsewhere signs in at once, even without a cookie.
    expect((await login('198.51.100.20', OWNER.password)).statusCode).toBe(200);
    // And the right password waits its turn here like any guess (no oracle during the delay).
    expect((await login('203.0.113.5', OWNER.password)).statusCode).toBe(429);
  });

  it('never refuses the owner on a device that signed in before, whatever others did to the account', async () => {
    const { login } = loginApp();
    const first = await login('203.0.113.1', OWNER.password);
    const device = deviceOf(first);
    expect(device).toBeDefined();
    // An attacker on many addresses uses up the account-wide budget (6 failures)...
    for (let i = 0; i < 6; i++) expect((await login(`192.0.2.${i + 1}`, `guess ${i}`)).statusCode).toBe(401);
    expect((await login('192.0.2.99', 'guess 99')).statusCode).toBe(429);
    // ...which stops every client without a device cookie of this account, the owner included...
    expect((await login('198.51.100.7', OWNER.password)).statusCode).toBe(429);
    // ...but not the owner's known device, from any address.
    expect((await login('198.51.100.7', OWNER.password, device)).statusCode).toBe(200);
    expect((await login('192.0.2.1', OWNER.password, device)).statusCode).toBe(200);
  });

  it('trusts no cookie that is unknown or belongs to another account', async () => {
    const { login } = loginApp();
    const mine = deviceOf(await login('203.0.113.1', OWNER.password));
    for (let i = 0; i < 6; i++) await login(`192.0.2.${i + 1}`, `guess ${i}`);
    // A made-up token and a token presented for another email get the untrusted path.
    expect((await login('198.51.100.7', OWNER.password, 'A'.repeat(43))).statusCode).toBe(429);
    expect((await login('198.51.100.8', 'x', mine, 'someone.else@example.com')).statusCode).toBe(401);
    expect((await login('198.51.100.8', OWNER.password, `${mine}!`)).statusCode).toBe(429);
  });

  it('holds a known device to its own failure budget, which no one else can spend', async () => {
    const { login } = loginApp();
    const device = deviceOf(await login('203.0.113.1', OWNER.password));
    for (let i = 0; i < 4; i++) expect((await login('203.0.113.1', `typo ${i}`, device)).statusCode).toBe(401);
    const spent = await login('203.0.113.1', OWNER.password, device);
    expect(spent.statusCode).toBe(429);
    expect(Number(spent.headers['retry-after'])).toBeGreaterThan(800);
    // The other device of the owner, and the owner without a cookie, are not affected.
    expect((await login('198.51.100.3', OWNER.password)).statusCode).toBe(200);
  });
});
