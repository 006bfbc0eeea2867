import { describe, expect, it } from 'vitest';
import { Accounts } from './accounts.ts';
import { FailureCounter } from './failure-counter.ts';
import type { PasswordHasher, UserRepository } from './ports.ts';
import type { UserWithCredential } from './user.ts';

const stored: UserWithCredential = {
  id: '0190a6b0-0000-7000-8000-000000000001',
  email: 'viewer@example.com',
  nickname: 'viewer',
  signupMethod: 'password',
  roles: ['user'],
  emailVerified: false,
  passwordHash: 'real-hash',
  createdAt: new Date(),
  updatedAt: new Date(),
};

function setup() {
  const verified: string[] = [];
  const hasher: PasswordHasher = {
    hash: async (p) => `hash(${p})`,
    verify: async (hash, password) => {
      verified.push(hash);
      return hash === 'real-hash' && password === 'the right password';
    },
    needsRehash: () => false,
  };
  const users = {
    findWithCredentialByEmail: async (email: string) => (email === 'viewer@example.com' ? stored : undefined),
  } as unknown as UserRepository;
  const accounts = new Accounts({
    users,
    hasher,
    dummyHash: 'dummy-hash',
    reauthFailures: new FailureCounter({ limit: 5, windowMs: 1000 }),
  });
  return { accounts, verified };
}

describe('credential check', () => {
  it('verifies a hash for unknown emails too, and fails both ways with the same error', async () => {
    const { accounts, verified } = setup();
    const unknown = await accounts.verifyCredentials('nobody@example.com', 'the right password').catch((e) => e);
    const wrong = await accounts.verifyCredentials('VIEWER@example.com', 'a wrong password').catch((e) => e);
    expect(verified).toEqual(['dummy-hash', 'real-hash']);
    expect([unknown.code, unknown.message]).toEqual([wrong.code, wrong.message]);
    expect(unknown.code).toBe('INVALID_CREDENTIALS');
    expect((await accounts.verifyCredentials('viewer@example.com', 'the right password')).id).toBe(stored.id);
  });
});

describe('failure counter', () => {
  it('blocks after the limit until the window passes', () => {
    let now = 0;
    const counter = new FailureCounter({ limit: 2, windowMs: 10_000, now: () => now });
    counter.fail('u');
    expect(counter.retryAfterSeconds('u')).toBe(0);
    counter.fail('u');
    expect(counter.retryAfterSeconds('u')).toBe(10);
    now = 10_001;
    expect(counter.retryAfterSeconds('u')).toBe(0);
  });
});
