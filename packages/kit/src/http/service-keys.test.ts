import { createPrivateKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { developmentServiceKeyPair, newServiceKeyPair, parseServicePublicKeys } from './service-keys.ts';
import {
  DEVELOPMENT_SERVICE_KEY,
  internalCallHeaders,
  ServiceTrust,
  serviceKeysFromConfig,
  serviceSignedHeaders,
  signedHeaders,
} from './service-trust.ts';

const SHARED = 'a-shared-key-for-this-test-0123456789abcdef';
const auth = newServiceKeyPair();
const chat = newServiceKeyPair();
const publicKeys = JSON.stringify({ auth: auth.publicKey, chat: chat.publicKey });

const PATH = '/internal/accounts/lookup?name=a';

describe('per-service credentials for /internal calls', () => {
  it('verify with the public key of the service they claim', () => {
    const trust = trustOf('user', { user: newServiceKeyPair() });
    const headers = internalCallHeaders('POST', PATH, { service: 'auth', privateKey: auth.privateKey });
    expect(headers['x-phzzk-signature']).toMatch(/^s1\.\d+\./);
    expect(trust.verify(headers, 'POST', PATH)).toEqual({ ok: true, fields: { service: 'auth' } });
    // A PEM private key signs as well as base64 DER.
    const pem = createPrivateKey({ key: Buffer.from(chat.privateKey, 'base64'), format: 'der', type: 'pkcs8' })
      .export({ format: 'pem', type: 'pkcs8' })
      .toString();
    expect(
      trust.verify(
        internalCallHeaders('GET', '/internal/x', { service: 'chat', privateKey: pem }),
        'GET',
        '/internal/x',
      ).ok,
    ).toBe(true);
  });

  it("refuse another service's key signing for a service (chat cannot be auth)", () => {
    const trust = trustOf('user', { user: newServiceKeyPair() });
    const forged = internalCallHeaders('POST', PATH, { service: 'auth', privateKey: chat.privateKey });
    expect(trust.verify(forged, 'POST', PATH)).toEqual({ ok: false, reason: 'signature does not verify' });
    // The development pair of auth neither: this platform runs on its own keys.
    expect(trust.verify(internalCallHeaders('POST', PATH, { service: 'auth' }), 'POST', PATH).ok).toBe(false);
  });

  it('cannot be made with the shared key alone, bound or not', () => {
    const trust = trustOf('user', { user: newServiceKeyPair() });
    const bound = signedHeaders(SHARED, { service: 'auth' }, { method: 'POST', path: PATH });
    expect(trust.verify(bound, 'POST', PATH)).toEqual({
      ok: false,
      reason: "a service is vouched for only by that service's own key",
    });
    expect(trust.verify(signedHeaders(SHARED, { service: 'auth' }), 'POST', PATH).ok).toBe(false);
    // The shared key still vouches for a user identity (what the gateway forwards).
    const asUser = signedHeaders(
      SHARED,
      { userId: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b' },
      { method: 'GET', path: '/x' },
    );
    expect(trust.verify(asUser, 'GET', '/x').ok).toBe(true);
  });

  it('refuse an expired credential, another path or query, another method, a service renamed after signing', () => {
    const trust = trustOf('user', { user: newServiceKeyPair() });
    const key = createPrivateKey({ key: Buffer.from(auth.privateKey, 'base64'), format: 'der', type: 'pkcs8' });
    const old = serviceSignedHeaders(key, 'auth', 'POST', PATH, { now: Date.now() - 60_000 });
    expect(trust.verify(old, 'POST', PATH)).toEqual({ ok: false, reason: 'signature expired' });
    const long = serviceSignedHeaders(key, 'auth', 'POST', PATH, { ttlSeconds: 3600 });
    expect(trust.verify(long, 'POST', PATH)).toEqual({ ok: false, reason: 'signature lives too long' });
    const fresh = serviceSignedHeaders(key, 'auth', 'POST', PATH);
    expect(trust.verify(fresh, 'POST', '/internal/accounts/lookup?name=b').ok).toBe(false);
    expect(trust.verify(fresh, 'POST', '/internal/accounts/other?name=a').ok).toBe(false);
    expect(trust.verify(fresh, 'GET', PATH).ok).toBe(false);
    expect(trust.verify(fresh, undefined, undefined)).toEqual({ ok: false, reason: 'no request to bind to' });
    expect(trust.verify({ ...fresh, 'x-phzzk-service': 'chat' }, 'POST', PATH).ok).toBe(false);
    expect(trust.verify({ 'x-phzzk-signature': fresh['x-phzzk-signature'] }, 'POST', PATH)).toEqual({
      ok: false,
      reason: 'a service signature without a service',
    });
    expect(trust.verify(fresh, 'POST', PATH).ok).toBe(true);
  });

  it('refuse a service the map does not list', () => {
    const trust = trustOf('user', { user: newServiceKeyPair() });
    const stranger = newServiceKeyPair();
    const headers = internalCallHeaders('POST', PATH, { service: 'billing', privateKey: stranger.privateKey });
    expect(trust.verify(headers, 'POST', PATH)).toEqual({ ok: false, reason: 'unknown service' });
  });

  it('accept the new and the old public key of a service during a rotation', () => {
    const next = newServiceKeyPair();
    const trust = trustOf('user', { user: newServiceKeyPair() }, { auth: [next.publicKey, auth.publicKey] });
    for (const privateKey of [next.privateKey, auth.privateKey]) {
      expect(
        trust.verify(internalCallHeaders('GET', '/internal/x', { service: 'auth', privateKey }), 'GET', '/internal/x')
          .ok,
      ).toBe(true);
    }
    expect(() => parseServicePublicKeys({ auth: [] })).toThrow(/one to four public keys/);
  });

  it("sign this service's own calls with its own key", () => {
    const own = newServiceKeyPair();
    const caller = trustOf('chat', { chat: own });
    const callee = trustOf('user', { user: newServiceKeyPair(), chat: own });
    expect(callee.verify(caller.internalHeaders('GET', '/internal/x?y=1'), 'GET', '/internal/x?y=1')).toEqual({
      ok: true,
      fields: { service: 'chat' },
    });
  });
});

describe('service key configuration', () => {
  it('falls back to the development pairs in the development profiles only', () => {
    for (const profile of ['default', 'dev', 'test'])
      expect(serviceKeysFromConfig('chat', {}, profile).development).toBe(true);
    expect(() => serviceKeysFromConfig('chat', {}, 'prod')).toThrow(
      /security\.service-private-key \(SECURITY_SERVICE_PRIVATE_KEY\) and security\.service-public-keys \(SECURITY_SERVICE_PUBLIC_KEYS\) must be set in the "prod" profile/,
    );
    expect(() => ServiceTrust.fromConfig('chat', [SHARED], 'staging')).toThrow(/SECURITY_SERVICE_PRIVATE_KEY/);
    // A development pair verifies in a development process, per service name.
    const dev = ServiceTrust.fromConfig('user', undefined, 'test');
    expect(dev.development && dev.serviceKeys.development).toBe(true);
    expect(dev.verify(internalCallHeaders('GET', '/internal/x', { service: 'auth' }), 'GET', '/internal/x').ok).toBe(
      true,
    );
    const chatAsAuth = internalCallHeaders('GET', '/internal/x', {
      service: 'auth',
      privateKey: developmentServiceKeyPair('chat').privateKey,
    });
    expect(dev.verify(chatAsAuth, 'GET', '/internal/x').ok).toBe(false);
  });

  it('refuses half a configuration, keys that are not Ed25519, and a map without this service', () => {
    const own = newServiceKeyPair();
    expect(() => serviceKeysFromConfig('user', { privateKey: own.privateKey }, 'dev')).toThrow(/go together/);
    expect(() => serviceKeysFromConfig('user', { publicKeys }, 'dev')).toThrow(/go together/);
    expect(() => serviceKeysFromConfig('user', { privateKey: 'bm90IGEga2V5', publicKeys }, 'prod')).toThrow(
      /security\.service-private-key: not an Ed25519 private key/,
    );
    expect(() =>
      serviceKeysFromConfig('user', { privateKey: own.privateKey, publicKeys: '{"user": "bm90"}' }, 'prod'),
    ).toThrow(/security\.service-public-keys\.user\[0\]: not an Ed25519 public key/);
    expect(() => serviceKeysFromConfig('user', { privateKey: own.privateKey, publicKeys: 'nope' }, 'prod')).toThrow(
      /not JSON/,
    );
    expect(() => serviceKeysFromConfig('user', { privateKey: own.privateKey, publicKeys }, 'prod')).toThrow(
      /no entry for "user" matching/,
    );
  });

  it('refuses the development key pairs once configured', () => {
    const trust = trustOf('user', { user: newServiceKeyPair() });
    expect(trust.serviceKeys.development).toBe(false);
    expect(trust.verify(internalCallHeaders('GET', '/internal/x'), 'GET', '/internal/x')).toEqual({
      ok: false,
      reason: 'unknown service',
    });
    expect(
      trust.verify(
        signedHeaders(DEVELOPMENT_SERVICE_KEY, { service: 'auth' }, { method: 'GET', path: '/internal/x' }),
        'GET',
        '/internal/x',
      ).ok,
    ).toBe(false);
  });
});

/** `service`'s trust on real keys: its own pair, and the public keys of auth, chat and `own`'s services. */
function trustOf(
  service: string,
  own: Record<string, { privateKey: string; publicKey: string }>,
  extra: Record<string, string | string[]> = {},
): ServiceTrust {
  const map: Record<string, string | string[]> = { auth: auth.publicKey, chat: chat.publicKey };
  for (const [name, pair] of Object.entries(own)) map[name] = pair.publicKey;
  Object.assign(map, extra);
  return ServiceTrust.fromConfig(service, [SHARED], 'prod', {
    privateKey: own[service]?.privateKey,
    publicKeys: JSON.stringify(map),
  });
}
