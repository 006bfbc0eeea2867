import { type InternalAccount, type PrivateUser, Topics } from '@phzzk/contracts';
import {
  DEVELOPMENT_SERVICE_KEY,
  developmentServiceKeyPair,
  identityHeaders,
  internalCallHeaders,
  signedHeaders,
} from '@phzzk/kit';
import { KafkaProbe } from '@phzzk/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asUser, startUserService } from './support.ts';

/** What the internal API answers for an account, and what `GET /api/users/me` answers. */
type Account = InternalAccount;
type Me = PrivateUser;

describe('user service: accounts, profile, internal API (real PostgreSQL and Kafka)', () => {
  let svc: Awaited<ReturnType<typeof startUserService>>;
  let probe: KafkaProbe;
  let n = 0;
  const unique = () => `${Date.now().toString(36)}${n++}`;

  async function create(overrides: Record<string, unknown> = {}) {
    const tag = unique();
    const body = {
      email: `viewer.${tag}@example.com`,
      nickname: `viewer${tag}`.slice(0, 20),
      password: 'a quiet evening walk',
      ...overrides,
    };
    const res = await svc.api.post<Account>('/internal/accounts', body);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return { ...res.body, password: body.password as string };
  }

  beforeAll(async () => {
    svc = await startUserService();
    probe = await KafkaProbe.start(svc.infra.kafkaBrokers, [Topics.userEvents]);
  });
  afterAll(async () => {
    await probe?.stop();
    await svc?.stop();
  });

  it('creates an account with a normalized email, hides credentials, and publishes user.registered', async () => {
    const tag = unique();
    const res = await svc.api.post<Account>('/internal/accounts', {
      email: `Streamer.${tag}@Example.COM`,
      nickname: '스트리머' + tag.slice(-4),
      password: 'moonlit river 77 stones',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      email: `Streamer.${tag}@Example.COM`,
      signupMethod: 'password',
      roles: ['user'],
      emailVerified: false,
    });
    expect(JSON.stringify(res.body)).not.toMatch(/argon2|password_hash|passwordHash/);
    const event = await probe.waitFor((m) => m.event?.type === 'user.registered' && m.key === res.body.id);
    expect(event.event?.data).toEqual({
      userId: res.body.id,
      email: res.body.email,
      nickname: res.body.nickname,
      signupMethod: 'password',
    });
    expect(event.event?.producer).toBe('user');
  });

  it('stores argon2id hashes with the configured parameters', async () => {
    const account = await create();
    const client = new pg.Client({ connectionString: svc.infra.databaseUrl });
    await client.connect();
    const { rows } = await client.query(`select password_hash from ${svc.schema.name}.users where id = $1`, [
      account.id,
    ]);
    await client.end();
    expect(rows[0].password_hash).toMatch(/^\$argon2id\$v=19\$m=1024,t=1,p=1\$/);
  });

  it('refuses duplicate emails and nicknames regardless of case (409)', async () => {
    const account = await create();
    const dupEmail = await svc.api.post('/internal/accounts', {
      email: account.email.toUpperCase(),
      nickname: `other${unique()}`.slice(0, 20),
      password: 'a quiet evening walk',
    });
    expect(dupEmail.status).toBe(409);
    expect(dupEmail.body).toMatchObject({ code: 'EMAIL_TAKEN' });
    const dupNick = await svc.api.post('/internal/accounts', {
      email: `other.${unique()}@example.com`,
      nickname: account.nickname.toUpperCase(),
      password: 'a quiet evening walk',
    });
    expect(dupNick.status).toBe(409);
    expect(dupNick.body).toMatchObject({ code: 'NICKNAME_TAKEN' });
  });

  it('refuses weak passwords with a reason, and bad nicknames', async () => {
    const cases: [string, string][] = [
      ['short', 'TOO_SHORT'],
      ['password123', 'TOO_COMMON'],
      ['aaaaaaaaaaaa', 'REPETITIVE'],
      ['abcdefghijklmn', 'SEQUENCE'],
      ['x'.repeat(129), 'TOO_LONG'],
      ['Ab3$efgh'.repeat(17), 'TOO_LONG'],
    ];
    for (const [password, reason] of cases) {
      const res = await svc.api.post('/internal/accounts', {
        email: `w.${unique()}@example.com`,
        nickname: `w${unique()}`,
        password,
      });
      expect(res.status, password).toBe(400);
      expect(res.body, password).toMatchObject({ code: 'WEAK_PASSWORD', reason });
    }
    const tag = unique();
    const personal = await svc.api.post('/internal/accounts', {
      email: `moonwalker${tag}@example.com`,
      nickname: `n${tag}`,
      password: `moonwalker${tag}!`,
    });
    expect(personal.body).toMatchObject({ code: 'WEAK_PASSWORD', reason: 'CONTAINS_PERSONAL_INFO' });
    const nick = await svc.api.post('/internal/accounts', {
      email: `n.${unique()}@example.com`,
      nickname: 'x',
      password: 'a quiet evening walk',
    });
    expect(nick.status).toBe(400);
    expect(nick.body).toMatchObject({ code: 'INVALID_NICKNAME', reason: 'LENGTH' });
  });

  it('answers malformed bodies and oversized fields with 400 problems', async () => {
    const valid = { email: `m.${unique()}@example.com`, nickname: `m${unique()}`, password: 'a quiet evening walk' };
    const bodies: unknown[] = [
      { ...valid, admin: true },
      { ...valid, email: 'not-an-email' },
      { ...valid, email: `${'a'.repeat(300)}@example.com` },
      { ...valid, nickname: '가'.repeat(100) },
      { ...valid, password: 'p'.repeat(5000) },
      { ...valid, email: 42 },
      { email: valid.email },
      '{"email":',
    ];
    for (const body of bodies) {
      const res = await svc.api.post('/internal/accounts', body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(res.contentType).toMatch(/problem\+json/);
      expect(['VALIDATION_FAILED', 'MALFORMED_BODY']).toContain((res.body as { code: string }).code);
    }
  });

  it('checks credentials without telling unknown emails from wrong passwords', async () => {
    const account = await create();
    const ok = await svc.api.post<Account>('/internal/credentials/verify', {
      email: account.email.toUpperCase(),
      password: account.password,
    });
    expect(ok.status).toBe(200);
    expect(ok.body.id).toBe(account.id);
    const wrong = await svc.api.post<Record<string, unknown>>('/internal/credentials/verify', {
      email: account.email,
      password: 'not the password at all',
    });
    const unknown = await svc.api.post<Record<string, unknown>>('/internal/credentials/verify', {
      email: `nobody.${unique()}@example.com`,
      password: 'not the password at all',
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const strip = ({ requestId: _r, ...rest }: Record<string, unknown>) => rest;
    expect(strip(unknown.body)).toEqual(strip(wrong.body));
    expect(wrong.body).toMatchObject({ code: 'INVALID_CREDENTIALS' });
  });

  it('serves /api/users/me only with the gateway identity header', async () => {
    const account = await create();
    const anonymous = await svc.api.get('/api/users/me');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toMatchObject({ code: 'AUTH_REQUIRED' });
    const forged = await svc.api.get('/api/users/me', { 'x-phzzk-user-id': "1' or '1'='1" });
    expect(forged.status).toBe(401);
    const me = await svc.api.get<Me>('/api/users/me', asUser(account.id));
    expect(me.status).toBe(200);
    expect(me.headers.get('cache-control')).toBe('no-store');
    expect(me.body).toMatchObject({ id: account.id, email: account.email, emailChangeable: true, identities: [] });
  });

  it('changes the nickname (user.updated), and email and password only with the current password', async () => {
    const account = await create();
    const headers = asUser(account.id);
    const nickname = `새이름${unique()}`.slice(0, 20);
    const renamed = await svc.api.patch<Me>('/api/users/me', { nickname }, headers);
    expect(renamed.status).toBe(200);
    expect(renamed.body.nickname).toBe(nickname);
    const updated = await probe.waitFor((m) => m.event?.type === 'user.updated' && m.key === account.id);
    expect(updated.event?.data).toEqual({ userId: account.id, nickname });

    const newEmail = `moved.${unique()}@example.com`;
    const noPassword = await svc.api.patch('/api/users/me', { email: newEmail }, headers);
    expect(noPassword.status).toBe(400);
    expect(noPassword.body).toMatchObject({ code: 'CURRENT_PASSWORD_REQUIRED' });
    const wrongPassword = await svc.api.patch(
      '/api/users/me',
      { email: newEmail, currentPassword: 'wrong password here' },
      headers,
    );
    expect(wrongPassword.status).toBe(403);
    expect(wrongPassword.body).toMatchObject({ code: 'CURRENT_PASSWORD_INVALID' });
    const moved = await svc.api.patch<Me>(
      '/api/users/me',
      { email: newEmail, currentPassword: account.password },
      headers,
    );
    expect(moved.status).toBe(200);
    expect(moved.body.email).toBe(newEmail);

    const weak = await svc.api.patch(
      '/api/users/me',
      { newPassword: 'qwerty12345', currentPassword: account.password },
      headers,
    );
    expect(weak.body).toMatchObject({ code: 'WEAK_PASSWORD', reason: 'TOO_COMMON' });
    const changed = await svc.api.patch(
      '/api/users/me',
      { newPassword: 'an entirely new phrase', currentPassword: account.password },
      headers,
    );
    expect(changed.status).toBe(200);
    const oldLogin = await svc.api.post('/internal/credentials/verify', {
      email: newEmail,
      password: account.password,
    });
    expect(oldLogin.status).toBe(401);
    const newLogin = await svc.api.post('/internal/credentials/verify', {
      email: newEmail,
      password: 'an entirely new phrase',
    });
    expect(newLogin.status).toBe(200);
  });

  it('slows down guessing the current password (429 with Retry-After)', async () => {
    const account = await create();
    const headers = asUser(account.id);
    for (let i = 0; i < 5; i++) {
      const res = await svc.api.patch(
        '/api/users/me',
        { newPassword: 'another long phrase', currentPassword: `guess number ${i}` },
        headers,
      );
      expect(res.status).toBe(403);
    }
    const blocked = await svc.api.patch(
      '/api/users/me',
      { newPassword: 'another long phrase', currentPassword: account.password },
      headers,
    );
    expect(blocked.status).toBe(429);
    expect(blocked.body).toMatchObject({ code: 'TOO_MANY_ATTEMPTS' });
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('marks social sign-ups, links identities, and forbids their email change (403 EMAIL_CHANGE_FORBIDDEN)', async () => {
    const tag = unique();
    const email = `social.${tag}@example.com`;
    const identity = { provider: 'google', subject: `g-${tag}`, email, emailVerified: true };
    const res = await svc.api.post<Account>('/internal/accounts', {
      email,
      nickname: `소셜${tag}`.slice(0, 20),
      password: 'a quiet evening walk',
      identity,
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ signupMethod: 'google', emailVerified: true });
    const byIdentity = await svc.api.post<Account>('/internal/accounts/lookup', {
      provider: 'google',
      subject: `g-${tag}`,
    });
    expect(byIdentity.body.id).toBe(res.body.id);
    const me = await svc.api.get<Me>('/api/users/me', asUser(res.body.id));
    expect(me.body).toMatchObject({ emailChangeable: false, identities: [{ provider: 'google', email }] });
    const change = await svc.api.patch(
      '/api/users/me',
      { email: `elsewhere.${tag}@example.com`, currentPassword: 'a quiet evening walk' },
      asUser(res.body.id),
    );
    expect(change.status).toBe(403);
    expect(change.contentType).toMatch(/problem\+json/);
    expect(change.body).toMatchObject({ code: 'EMAIL_CHANGE_FORBIDDEN' });

    const unverified = await svc.api.post('/internal/accounts', {
      email: `u.${tag}@example.com`,
      nickname: `u${tag}`,
      password: 'a quiet evening walk',
      identity: { provider: 'kakao', subject: `k-${tag}`, email: `u.${tag}@example.com`, emailVerified: false },
    });
    expect(unverified.status).toBe(403);
    expect(unverified.body).toMatchObject({ code: 'SOCIAL_EMAIL_UNVERIFIED' });
  });

  it('links a verified identity to an existing account once, and never an unverified or foreign one', async () => {
    const account = await create();
    const identity = { provider: 'github', subject: `gh-${unique()}`, email: account.email, emailVerified: true };
    const first = await svc.api.post<{ account: Account; emailNewlyVerified: boolean }>(
      `/internal/accounts/${account.id}/identities`,
      identity,
    );
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      emailNewlyVerified: true,
      account: { id: account.id, emailVerified: true, signupMethod: 'password' },
    });
    const again = await svc.api.post<{ emailNewlyVerified: boolean }>(
      `/internal/accounts/${account.id}/identities`,
      identity,
    );
    expect(again.body.emailNewlyVerified).toBe(false);
    const other = await create();
    const stolen = await svc.api.post(`/internal/accounts/${other.id}/identities`, { ...identity, email: other.email });
    expect(stolen.status).toBe(409);
    expect(stolen.body).toMatchObject({ code: 'IDENTITY_TAKEN' });
    const unverified = await svc.api.post(`/internal/accounts/${other.id}/identities`, {
      provider: 'naver',
      subject: 'n-1',
      email: other.email,
      emailVerified: false,
    });
    expect(unverified.status).toBe(403);
    const mismatch = await svc.api.post(`/internal/accounts/${other.id}/identities`, {
      provider: 'naver',
      subject: 'n-2',
      email: 'someone@else.com',
      emailVerified: true,
    });
    expect(mismatch.body).toMatchObject({ code: 'EMAIL_MISMATCH' });
  });

  it('stores SQL and script injection strings as data and returns them unchanged', async () => {
    const nasty = ["';DROP TABLE users--", '<script>x</script>', '" OR 1=1; --', '\u0024{7*7}{{7*7}}'];
    for (const nickname of nasty) {
      const account = await create({ nickname, email: `o'neil+${unique()}@example.com` });
      expect(account.nickname).toBe(nickname);
      const pub = await svc.api.get<{ nickname: string }>(`/api/users/${account.id}`);
      expect(pub.contentType).toMatch(/^application\/json/);
      expect(pub.headers.get('x-content-type-options')).toBe('nosniff');
      expect(pub.body.nickname).toBe(nickname);
      const me = await svc.api.get<Me>('/api/users/me', asUser(account.id));
      expect(me.body.email).toBe(account.email);
    }
    const lookup = await svc.api.post('/internal/accounts/lookup', { email: "x'or'1'='1@example.com" });
    expect(lookup.status).toBe(404);
    const client = new pg.Client({ connectionString: svc.infra.databaseUrl });
    await client.connect();
    const { rows } = await client.query(`select count(*)::int as n from ${svc.schema.name}.users`);
    await client.end();
    expect(rows[0].n).toBeGreaterThan(4);
  });
});

describe('user service: internal API credential', () => {
  it('requires the signed credential of the auth service on /internal, however the path is spelled, and never on /api', async () => {
    const svc = await startUserService();
    try {
      const body = { email: 'a@example.com' };
      const denied = await svc.anonymous.post('/internal/accounts/lookup', body);
      expect(denied.status).toBe(401);
      expect(denied.body).toMatchObject({ code: 'INTERNAL_AUTH_REQUIRED' });
      // Percent-encoded, the path still reaches the guarded routes (or is refused outright).
      const encoded = await svc.anonymous.post('/%69nternal/accounts/lookup', body);
      expect(encoded.status).toBe(401);
      expect((await svc.anonymous.post('/internal%2Faccounts/lookup', body)).status).toBe(400);
      const forged = await svc.anonymous.post('/internal/accounts/lookup', body, {
        'x-phzzk-service': 'auth',
        'x-phzzk-signature': 'v1.9999999999.AAAA',
      });
      expect(forged.status).toBe(401);
      // Chat's own key signing for auth; the shared key vouching for auth: refused.
      const wrongKey = await svc.anonymous.post(
        '/internal/accounts/lookup',
        body,
        internalCallHeaders('POST', '/internal/accounts/lookup', {
          service: 'auth',
          privateKey: developmentServiceKeyPair('chat').privateKey,
        }),
      );
      expect(wrongKey.status).toBe(401);
      const sharedKey = await svc.anonymous.post(
        '/internal/accounts/lookup',
        body,
        signedHeaders(
          DEVELOPMENT_SERVICE_KEY,
          { service: 'auth' },
          { method: 'POST', path: '/internal/accounts/lookup' },
        ),
      );
      expect(sharedKey.status).toBe(401);
      // Signed for another path: refused.
      const replayed = await svc.anonymous.post(
        '/internal/accounts/lookup',
        body,
        internalCallHeaders('GET', '/internal/accounts/lookup', { service: 'auth' }),
      );
      expect(replayed.status).toBe(401);
      const otherService = await svc.anonymous.post(
        '/internal/accounts/lookup',
        body,
        internalCallHeaders('POST', '/internal/accounts/lookup', { service: 'ingest' }),
      );
      expect(otherService.status).toBe(403);
      const allowed = await svc.api.post('/internal/accounts/lookup', body);
      expect(allowed.status).toBe(404);
      expect((await svc.anonymous.get('/api/users/0190a6b0-0000-7000-8000-000000000000')).status).toBe(404);
    } finally {
      await svc.stop();
    }
  });

  it('refuses forged identity headers with 401, on its own port', async () => {
    const svc = await startUserService();
    try {
      const id = '0190a6b0-0000-7000-8000-000000000000';
      expect((await svc.anonymous.get('/api/users/me', { 'x-phzzk-user-id': id })).status).toBe(401);
      const tampered = { ...asUser(id), 'x-phzzk-user-id': '0190a6b0-0000-7000-8000-000000000001' };
      expect((await svc.anonymous.get('/api/users/me', tampered)).body).toMatchObject({ code: 'IDENTITY_UNVERIFIED' });
      const expired = identityHeaders({ userId: id }, { method: 'GET', path: '/api/users/me' });
      expired['x-phzzk-signature'] = expired['x-phzzk-signature']!.replace(/^v1\.\d+/, 'v1.1000');
      expect((await svc.anonymous.get('/api/users/me', expired)).status).toBe(401);
    } finally {
      await svc.stop();
    }
  });
});
