import { describe, expect, it } from 'vitest';
import type { DomainError } from '@phzzk/kit/errors';
import { decideSocialLogin, linkEndsEarlierSessions, type SocialProfile } from './social-linking.ts';

const profile = (over: Partial<SocialProfile> = {}): SocialProfile => ({
  provider: 'google',
  subject: 'g-1',
  email: 'viewer@example.com',
  emailVerified: true,
  name: undefined,
  ...over,
});
const account = (id: string, signupMethod = 'password', emailVerified = false) => ({ id, signupMethod, emailVerified });
const code = (fn: () => unknown) => {
  try {
    return fn();
  } catch (error) {
    return (error as DomainError).code;
  }
};

describe('social linking rules', () => {
  it('logs a linked identity in, whatever its email says', () => {
    expect(
      decideSocialLogin({ profile: profile({ emailVerified: false }), linked: account('a'), byEmail: undefined }),
    ).toEqual({
      kind: 'login',
      accountId: 'a',
    });
  });

  it('links a verified email to the existing account, else continues to sign-up', () => {
    expect(decideSocialLogin({ profile: profile(), linked: undefined, byEmail: account('b') })).toEqual({
      kind: 'link-and-login',
      accountId: 'b',
    });
    expect(decideSocialLogin({ profile: profile(), linked: undefined, byEmail: undefined })).toEqual({
      kind: 'signup',
      email: 'viewer@example.com',
    });
  });

  it('never lets an unverified or missing email reach an account or a sign-up', () => {
    expect(
      code(() =>
        decideSocialLogin({ profile: profile({ emailVerified: false }), linked: undefined, byEmail: account('b') }),
      ),
    ).toBe('SOCIAL_EMAIL_UNVERIFIED');
    expect(
      code(() =>
        decideSocialLogin({ profile: profile({ emailVerified: false }), linked: undefined, byEmail: undefined }),
      ),
    ).toBe('SOCIAL_EMAIL_UNVERIFIED');
    expect(
      code(() => decideSocialLogin({ profile: profile({ email: undefined }), linked: undefined, byEmail: undefined })),
    ).toBe('SOCIAL_EMAIL_MISSING');
  });

  it('ends earlier sessions only when a link first proves a password account email', () => {
    expect(linkEndsEarlierSessions(account('a'), true)).toBe(true);
    expect(linkEndsEarlierSessions(account('a'), false)).toBe(false);
    expect(linkEndsEarlierSessions(account('a', 'google', true), true)).toBe(false);
  });
});
