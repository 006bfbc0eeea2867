import { describe, expect, it } from 'vitest';
import { caller, clientAddress, identityHeaders, optionalCaller } from './caller.ts';
import { signedHeaders, verifySignedHeaders } from './service-trust.ts';

const userId = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
const KEY = 'k'.repeat(40);

describe('caller', () => {
  it('reads the identity the gateway passed on, signed', () => {
    const headers = identityHeaders({ userId, sessionId: 's1', roles: ['user', 'admin'] });
    expect(caller({ headers })).toEqual({ userId, sessionId: 's1', roles: ['user', 'admin'] });
  });
  it('is anonymous without identity headers, or with a signed but malformed user id', () => {
    expect(optionalCaller({ headers: {} })).toBeUndefined();
    expect(optionalCaller({ headers: identityHeaders({ userId: 'not-a-uuid' }) })).toBeUndefined();
  });
  it('refuses unsigned, forged, repeated or tampered identity headers with 401 IDENTITY_UNVERIFIED', () => {
    const refused = expect.objectContaining({ status: 401, code: 'IDENTITY_UNVERIFIED' });
    expect(() => optionalCaller({ headers: { 'x-phzzk-user-id': userId } })).toThrow(refused);
    expect(() => optionalCaller({ headers: { 'x-phzzk-user-id': [userId, userId] } })).toThrow(refused);
    const tampered = { ...identityHeaders({ userId }), 'x-phzzk-roles': 'admin' };
    expect(() => optionalCaller({ headers: tampered })).toThrow(refused);
    expect(() => optionalCaller({ headers: identityHeaders({ userId }, { key: KEY }) })).toThrow(refused);
  });
  it('answers 401 AUTH_REQUIRED when a caller is required', () => {
    expect(() => caller({ headers: {} })).toThrow(expect.objectContaining({ status: 401, code: 'AUTH_REQUIRED' }));
  });
  it('takes the client address from the signature, never from X-Forwarded-For', () => {
    const signed = identityHeaders({ userId }, { clientIp: '203.0.113.9' });
    expect(clientAddress({ headers: { ...signed, 'x-forwarded-for': '1.2.3.4' } })).toBe('203.0.113.9');
    expect(clientAddress({ headers: { 'x-forwarded-for': '1.2.3.4' }, socket: { remoteAddress: '10.0.0.5' } })).toBe(
      '10.0.0.5',
    );
  });
});

describe('signed identity headers', () => {
  const now = 1_800_000_000_000;
  it('bind to method and path, and expire', () => {
    const headers = signedHeaders(KEY, { userId, clientIp: '::1' }, { method: 'GET', path: '/a?b=1', now });
    expect(verifySignedHeaders([KEY], headers, 'GET', '/a?b=1', now)).toEqual({
      ok: true,
      fields: { userId, clientIp: '::1' },
    });
    expect(verifySignedHeaders([KEY], headers, 'GET', '/a?b=2', now).ok).toBe(false);
    expect(verifySignedHeaders([KEY], headers, 'POST', '/a?b=1', now).ok).toBe(false);
    expect(verifySignedHeaders([KEY], headers, 'GET', '/a?b=1', now + 40_000)).toEqual({
      ok: false,
      reason: 'signature expired',
    });
  });
  it('verify under any listed key (rotation), sign with the first', () => {
    const old = signedHeaders('o'.repeat(40), { userId }, { method: 'GET', path: '/', now });
    expect(verifySignedHeaders([KEY, 'o'.repeat(40)], old, 'GET', '/', now).ok).toBe(true);
    expect(verifySignedHeaders([KEY], old, 'GET', '/', now).ok).toBe(false);
  });
  it('refuse an expiry far in the future', () => {
    const long = signedHeaders(KEY, { userId }, { method: 'GET', path: '/', now, ttlSeconds: 3600 });
    expect(verifySignedHeaders([KEY], long, 'GET', '/', now).ok).toBe(false);
  });
});
