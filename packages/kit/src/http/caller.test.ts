import { describe, expect, it } from 'vitest';
import { caller, identityHeaders, optionalCaller } from './caller.ts';

const userId = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';

describe('caller', () => {
  it('reads the identity the gateway passed on', () => {
    const headers = identityHeaders({ userId, sessionId: 's1', roles: ['user', 'admin'] });
    expect(caller({ headers })).toEqual({ userId, sessionId: 's1', roles: ['user', 'admin'] });
  });
  it('is anonymous without a well-formed user id', () => {
    expect(optionalCaller({ headers: {} })).toBeUndefined();
    expect(optionalCaller({ headers: { 'x-phzzk-user-id': 'not-a-uuid' } })).toBeUndefined();
    expect(optionalCaller({ headers: { 'x-phzzk-user-id': [userId, userId] } })).toBeUndefined();
  });
  it('answers 401 AUTH_REQUIRED when a caller is required', () => {
    expect(() => caller({ headers: {} })).toThrow(expect.objectContaining({ status: 401, code: 'AUTH_REQUIRED' }));
  });
});
