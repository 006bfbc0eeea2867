import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveCipherKey } from '../src/domain/cipher.ts';
import { configApp } from './support/config-app.ts';
import { GitFixture } from './support/git-fixture.ts';

const token = 'admin-token-0123456789abcdef';
const key = deriveCipherKey('encryption-route-test-key');

describe('POST /encrypt and /decrypt', () => {
  let repo: GitFixture;
  let open: Awaited<ReturnType<typeof configApp>>;
  let closed: Awaited<ReturnType<typeof configApp>>;
  let keyless: Awaited<ReturnType<typeof configApp>>;

  beforeAll(async () => {
    repo = new GitFixture({ 'application.yml': 'a: 1\n' });
    open = await configApp(repo.dir, { key, adminToken: token, decryptEnabled: true });
    closed = await configApp(repo.dir, { key, adminToken: token });
    keyless = await configApp(repo.dir, { adminToken: token });
  });
  afterAll(async () => {
    await Promise.all([open?.close(), closed?.close(), keyless?.close()]);
    repo?.remove();
  });

  const post = (server: typeof open, url: string, payload: string, headers: Record<string, string> = {}) =>
    server.app.inject({
      method: 'POST',
      url,
      payload,
      headers: { 'content-type': 'text/plain', authorization: `Bearer ${token}`, ...headers },
    });

  it('encrypts text/plain for the admin, and decrypts it back when decryption is on', async () => {
    const enc = await post(open, '/encrypt', 'p@ss: wörd');
    expect(enc.statusCode).toBe(200);
    expect(enc.headers['content-type']).toMatch(/^text\/plain/);
    expect(enc.body).toMatch(/^[A-Za-z0-9_-]{60,}$/);
    expect((await post(open, '/decrypt', enc.body)).body).toBe('p@ss: wörd');
    expect((await post(open, '/decrypt', `{cipher}${enc.body}`)).body).toBe('p@ss: wörd');
    // curl -d posts a form: the value comes back as it was typed, like Spring's controller.
    const form = await post(open, '/encrypt', 'plain+text%21', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(
      (await post(open, '/decrypt', form.body, { 'content-type': 'application/x-www-form-urlencoded' })).body,
    ).toBe('plain text!');
    // Basic auth with the token as the password works too.
    const basic = Buffer.from(`admin:${token}`).toString('base64');
    expect((await post(open, '/encrypt', 'x', { authorization: `Basic ${basic}` })).statusCode).toBe(200);
    expect(
      (await open.app.inject({ url: '/encrypt/status', headers: { authorization: `Bearer ${token}` } })).json(),
    ).toEqual({ status: 'OK' });
  });

  it('refuses without the token (401), and decrypt when it is off (403)', async () => {
    for (const authorization of [
      undefined,
      'Bearer wrong-token',
      `Basic ${Buffer.from('admin:nope').toString('base64')}`,
      'Token x',
    ]) {
      const res = await open.app.inject({
        method: 'POST',
        url: '/encrypt',
        payload: 'x',
        headers: { 'content-type': 'text/plain', ...(authorization ? { authorization } : {}) },
      });
      expect(res.statusCode).toBe(401);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.headers['www-authenticate']).toMatch(/Bearer/);
    }
    const enc = await post(closed, '/encrypt', 'x');
    const dec = await post(closed, '/decrypt', enc.body);
    expect(dec.statusCode).toBe(403);
    expect(dec.json().code).toBe('DECRYPT_DISABLED');
  });

  it('refuses a tampered value, and says NO_KEY without a key', async () => {
    const enc = await post(open, '/encrypt', 'secret');
    const bytes = Buffer.from(enc.body, 'base64url');
    bytes[20] = (bytes[20] as number) ^ 0x01;
    const res = await post(open, '/decrypt', bytes.toString('base64url'));
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'CIPHER_INVALID' });
    expect(res.body).not.toContain('secret');
    const none = await post(keyless, '/encrypt', 'x');
    expect(none.statusCode).toBe(404);
    expect(none.json().code).toBe('NO_KEY');
    expect((await post(open, '/encrypt', '')).statusCode).toBe(400);
  });
});
