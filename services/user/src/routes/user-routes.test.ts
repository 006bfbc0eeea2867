import { identityHeaders } from '@phzzk/kit';
import { conflict, notFound } from '@phzzk/kit/errors';
import { routeTestApp } from '@phzzk/testing';
import { describe, expect, it } from 'vitest';
import { buildUserApp } from '../app.ts';
import type { Accounts } from '../domain/accounts.ts';
import type { User } from '../domain/user.ts';

// The user service's public routes through inject(), on a fake of the account use cases: the
// caller, validation, problem codes and cache headers, without PostgreSQL.

const alice: User = {
  id: '0190a0a0-0000-7000-8000-0000000000a1',
  email: 'alice@example.com',
  nickname: 'alice',
  signupMethod: 'password',
  roles: ['user'],
  emailVerified: false,
  createdAt: new Date('2026-01-01T00:00:00Z'),
  updatedAt: new Date('2026-01-01T00:00:00Z'),
};
const unknownId = '0190a0a0-0000-7000-8000-0000000000ff';

function app() {
  const users = new Map([[alice.id, { ...alice }]]);
  const find = async (id: string) => {
    const user = users.get(id);
    if (!user) throw notFound('USER_NOT_FOUND', 'No user with that id');
    return user;
  };
  const accounts = {
    get: find,
    getWithIdentities: async (id: string) => ({ user: await find(id), identities: [] }),
    updateProfile: async (id: string, request: { nickname?: string }) => {
      const user = await find(id);
      if (request.nickname === 'taken') throw conflict('NICKNAME_TAKEN', 'This nickname is taken.');
      if (request.nickname === 'ѕecA1') throw conflict('NICKNAME_CONFUSABLE', 'This nickname looks like a taken one.');
      if (request.nickname) user.nickname = request.nickname;
      return user;
    },
  } as unknown as Accounts;
  return buildUserApp({ app: routeTestApp('user'), accounts });
}

const asAlice = identityHeaders({ userId: alice.id });

describe('user routes', () => {
  it('GET /api/users/me needs a caller: 401 AUTH_REQUIRED without one', async () => {
    const res = await app().inject({ method: 'GET', url: '/api/users/me' });
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ code: 'AUTH_REQUIRED', status: 401 });
  });

  it('GET /api/users/me answers the own account, never cached', async () => {
    const res = await app().inject({ method: 'GET', url: '/api/users/me', headers: asAlice });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.json()).toMatchObject({ id: alice.id, email: alice.email, nickname: 'alice', emailChangeable: true });
  });

  it('GET /api/users/{id}: public profile only, 400 on a malformed id, 404 USER_NOT_FOUND', async () => {
    const a = app();
    const ok = await a.inject({ method: 'GET', url: `/api/users/${alice.id}` });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ id: alice.id, nickname: 'alice', createdAt: '2026-01-01T00:00:00.000Z' });
    const bad = await a.inject({ method: 'GET', url: '/api/users/not-a-uuid' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('VALIDATION_FAILED');
    const missing = await a.inject({ method: 'GET', url: `/api/users/${unknownId}` });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('USER_NOT_FOUND');
  });

  it('PATCH /api/users/me: 200 with the change, 401 anonymous', async () => {
    const a = app();
    const ok = await a.inject({
      method: 'PATCH',
      url: '/api/users/me',
      headers: asAlice,
      payload: { nickname: 'alicia' },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().nickname).toBe('alicia');
    const anonymous = await a.inject({ method: 'PATCH', url: '/api/users/me', payload: { nickname: 'x' } });
    expect(anonymous.statusCode).toBe(401);
  });

  it.each([
    { refused: 'a taken nickname', payload: { nickname: 'taken' }, status: 409, code: 'NICKNAME_TAKEN' },
    {
      refused: 'a look-alike of a taken one',
      payload: { nickname: 'ѕecA1' },
      status: 409,
      code: 'NICKNAME_CONFUSABLE',
    },
    { refused: 'an unknown field', payload: { roles: ['admin'] }, status: 400, code: 'VALIDATION_FAILED' },
  ])('PATCH /api/users/me refuses $refused: $status $code as problem+json', async ({ payload, status, code }) => {
    const refused = await app().inject({ method: 'PATCH', url: '/api/users/me', headers: asAlice, payload });
    expect(refused.statusCode).toBe(status);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.json()).toMatchObject({ code, status });
  });

  it('documents its public routes, and not /internal', async () => {
    const doc = (await app().inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(Object.keys(doc.paths).sort()).toEqual(['/api/users/me', '/api/users/{id}']);
  });
});
