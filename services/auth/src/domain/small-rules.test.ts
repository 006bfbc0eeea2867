import { describe, expect, it } from 'vitest';
import { clientIp } from './client-ip.ts';
import type { DomainError } from '@phzzk/kit/errors';
import { resolveProvider } from './providers.ts';
import { refreshExpiry, rotationResult } from './refresh-rotation.ts';
import { safeReturnTo } from './return-to.ts';
import { githubProfile, naverProfile, oidcProfile } from './social-profile.ts';
import { accessFromPayload, accessTokenSpec, ticketFromPayload } from './token-claims.ts';

describe('client ip', () => {
  it('trusts only the last x-forwarded-for entry (the one the gateway appended)', () => {
    expect(clientIp('6.6.6.6, 10.0.0.7', '127.0.0.1')).toBe('10.0.0.7');
    expect(clientIp(['1.1.1.1', '2.2.2.2'], undefined)).toBe('2.2.2.2');
    expect(clientIp(undefined, '::ffff:192.0.2.9')).toBe('192.0.2.9');
    expect(clientIp('2001:db8:1:2:3:4:5:6', undefined)).toBe('2001:db8:1:2::/64');
    expect(clientIp('2001:db8::1', undefined)).toBe('2001:db8:0:0::/64');
  });
});

describe('return-to', () => {
  it('keeps local paths and refuses everything that could leave the site', () => {
    expect(safeReturnTo('/watch/123?x=1')).toBe('/watch/123?x=1');
    for (const bad of [
      'https://evil.example',
      '//evil.example',
      '/\\evil.example',
      'javascript:alert(1)',
      '/a\nb',
      undefined,
      '',
    ]) {
      expect(safeReturnTo(bad)).toBe('/');
    }
  });
});

describe('refresh rotation rules', () => {
  it('never extends a token past the family end', () => {
    expect(refreshExpiry(1000, 10, 5000)).toBe(5000);
    expect(refreshExpiry(1000, 1, 5000)).toBe(2000);
  });

  it('maps every outcome to a distinct 401 code', () => {
    const code = (o: Parameters<typeof rotationResult>[0]) => {
      try {
        return rotationResult(o);
      } catch (error) {
        return (error as DomainError).code;
      }
    };
    expect(code({ status: 'reused', sessionId: 's', userId: 'u' })).toBe('REFRESH_TOKEN_REUSED');
    expect(code({ status: 'expired', sessionId: 's', userId: 'u' })).toBe('REFRESH_TOKEN_EXPIRED');
    expect(code({ status: 'revoked' })).toBe('REFRESH_TOKEN_REVOKED');
    expect(code({ status: 'unknown' })).toBe('REFRESH_TOKEN_INVALID');
    expect(code({ status: 'rotated', sessionId: 's', userId: 'u', expiresAt: 1 })).toEqual({
      status: 'rotated',
      sessionId: 's',
      userId: 'u',
      expiresAt: 1,
    });
  });
});

describe('token claims', () => {
  it('builds access claims and reads them back', () => {
    const spec = accessTokenSpec({
      userId: 'u',
      sessionId: 's',
      roles: ['user'],
      issuer: 'i',
      audience: 'a',
      ttlSeconds: 600,
      nowSeconds: 100,
      jti: 'j',
    });
    expect(spec).toMatchObject({
      header: { typ: 'at+jwt' },
      subject: 'u',
      issuedAt: 100,
      expiresAt: 700,
      payload: { sid: 's', roles: ['user'] },
    });
    expect(accessFromPayload({ sub: 'u', sid: 's', roles: ['user'], exp: 700, jti: 'j' })).toEqual({
      userId: 'u',
      sessionId: 's',
      roles: ['user'],
      expiresAt: 700,
      jti: 'j',
    });
    expect(accessFromPayload({ sub: 'u', roles: ['user'], exp: 700, jti: 'j' })).toBeUndefined();
    expect(accessFromPayload({ sub: 'u', sid: 's', roles: 'admin', exp: 700, jti: 'j' })).toBeUndefined();
  });

  it('accepts only sign-up tickets as tickets', () => {
    expect(
      ticketFromPayload({ purpose: 'social-signup', provider: 'p', psub: 's', email: 'e@x.com', jti: 'j' }),
    ).toMatchObject({ provider: 'p' });
    expect(ticketFromPayload({ sub: 'u', sid: 's', provider: 'p', psub: 's', email: 'e', jti: 'j' })).toBeUndefined();
  });
});

describe('providers and profiles', () => {
  it('applies presets and refuses incomplete providers', () => {
    expect(resolveProvider({ id: 'google', clientId: 'c' })).toMatchObject({
      kind: 'oidc',
      issuer: 'https://accounts.google.com',
    });
    expect(resolveProvider({ id: 'gh', preset: 'github', clientId: 'c' })).toMatchObject({
      kind: 'oauth2',
      profile: 'github',
    });
    expect(resolveProvider({ id: 'naver', clientId: 'c' })).toMatchObject({ trustEmail: true, profile: 'naver' });
    expect(() => resolveProvider({ id: 'custom', clientId: 'c' })).toThrow(/needs an issuer/);
    expect(resolveProvider({ id: 'kakao', clientId: 'c' })).toMatchObject({
      issuer: 'https://kauth.kakao.com',
      scopes: ['openid', 'account_email', 'profile_nickname'],
      trustEmail: false,
    });
    expect(resolveProvider({ id: 'custom', issuer: 'https://idp.example', clientId: 'c' })).toMatchObject({
      kind: 'oidc',
      issuer: 'https://idp.example',
      scopes: ['openid', 'email', 'profile'],
      profile: 'oidc',
      trustEmail: false,
    });
  });

  it('reads verification flags the way each provider gives them', () => {
    expect(oidcProfile('google', { sub: '1', email: 'a@x.com', email_verified: true }, false).emailVerified).toBe(true);
    expect(oidcProfile('kakao', { sub: '1', email: 'a@x.com' }, false).emailVerified).toBe(false);
    expect(oidcProfile('google', { sub: '1', email: 'a@x.com', email_verified: 'true' }, false).emailVerified).toBe(
      true,
    );
    expect(
      naverProfile('naver', { resultcode: '00', response: { id: 'n1', email: 'a@naver.com' } }, true),
    ).toMatchObject({
      subject: 'n1',
      emailVerified: true,
    });
    expect(() => naverProfile('naver', { resultcode: '024', message: 'auth failed' }, true)).toThrow();
    const emails = [
      { email: 'old@x.com', primary: false, verified: true },
      { email: 'main@x.com', primary: true, verified: false },
    ];
    expect(githubProfile('github', { id: 42, login: 'octo' }, emails)).toMatchObject({
      subject: '42',
      email: 'main@x.com',
      emailVerified: false,
    });
    expect(
      githubProfile('github', { id: 42 }, [{ email: 'main@x.com', primary: true, verified: true }]).emailVerified,
    ).toBe(true);
  });
});
