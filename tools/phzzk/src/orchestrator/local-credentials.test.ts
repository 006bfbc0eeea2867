import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import {
  credentialEnv,
  credentialsFileOf,
  ensureLocalCredentials,
  LOCAL_CREDENTIALS,
  servicePrivateKeyEntry,
  servicePrivateKeyEnv,
  servicePublicKeyEntry,
} from './local-credentials.ts';
import { platformEnv } from './platform-env.ts';

const homes: string[] = [];
const newHome = () => {
  const home = mkdtempSync(join(tmpdir(), 'phzzk-cred-'));
  homes.push(home);
  return join(home, '.phzzk');
};
afterEach(() => {
  for (const h of homes.splice(0)) rmSync(h, { recursive: true, force: true });
});

describe('local development credentials', () => {
  it('are created once, owner-only, and kept on the next start', () => {
    const home = newHome();
    const first = ensureLocalCredentials(home);
    expect(Object.keys(first).sort()).toEqual(
      [...Object.keys(LOCAL_CREDENTIALS), servicePrivateKeyEntry('operator'), servicePublicKeyEntry('operator')].sort(),
    );
    expect(first['discovery.password']).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(statSync(credentialsFileOf(home)).mode & 0o777).toBe(0o600);
    expect(ensureLocalCredentials(home)).toEqual(first);
    expect(ensureLocalCredentials(newHome())['discovery.password']).not.toBe(first['discovery.password']);
  });

  it('gain entries added later without changing the existing ones', () => {
    const home = newHome();
    ensureLocalCredentials(home);
    const file = credentialsFileOf(home);
    writeFileSync(file, JSON.stringify({ entries: { 'discovery.password': 'kept-password-1234' } }), { mode: 0o644 });
    const again = ensureLocalCredentials(home);
    expect(again['discovery.password']).toBe('kept-password-1234');
    expect(again['config.password']).toBeDefined();
    expect(JSON.parse(readFileSync(file, 'utf8')).entries['config.password']).toBe(again['config.password']);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('reach every service through its environment: credentials in the discovery and config URLs', () => {
    const creds = ensureLocalCredentials(newHome());
    const endpoints = { databaseUrl: 'postgres://x', redisUrl: 'redis://x', kafkaBrokers: ['k:1'] };
    const env = platformEnv(
      '/r',
      endpoints,
      { discovery: 'eureka', withConfigServer: true, credentials: creds },
      {
        PHZZK_PORTS: 'discovery=18761,config=18888',
      },
    );
    const eureka = new URL(env.DISCOVERY_EUREKA_URL ?? '');
    expect([eureka.username, decodeURIComponent(eureka.password), eureka.port]).toEqual([
      'phzzk',
      creds['discovery.password'],
      '18761',
    ]);
    expect(new URL(env.CONFIG_URI ?? '').password).toBe(encodeURIComponent(creds['config.password'] ?? ''));
    expect(env.DISCOVERY_SECURITY_PASSWORD).toBe(creds['discovery.password']);
    expect(env.CONFIG_MONITOR_SECRET).toBe(creds['config.monitor-secret']);
    // A user's own setting wins; the config server and discovery get no config URI.
    const own = platformEnv(
      '/r',
      endpoints,
      { discovery: 'static', withConfigServer: false, credentials: creds },
      {
        DISCOVERY_EUREKA_URL: 'http://me:mine@h:1/eureka',
      },
    );
    expect(own.DISCOVERY_EUREKA_URL).toBe('http://me:mine@h:1/eureka');
    expect(own.CONFIG_URI).toBeUndefined();
    expect(credentialEnv({}, { discovery: 1, config: 2 }).DISCOVERY_SECURITY_PASSWORD).toBeUndefined();
  });

  it("give each service its own Ed25519 key pair: its private key alone, and everyone's public keys", () => {
    const home = newHome();
    const creds = ensureLocalCredentials(home, ['auth', 'chat']);
    const privateOf = (s: string) =>
      createPrivateKey({
        key: Buffer.from(creds[servicePrivateKeyEntry(s)] ?? '', 'base64'),
        format: 'der',
        type: 'pkcs8',
      });
    const env = credentialEnv(creds, { discovery: 1, config: 2 });
    const publicKeys = JSON.parse(env.SECURITY_SERVICE_PUBLIC_KEYS ?? '{}') as Record<string, string>;
    expect(Object.keys(publicKeys).sort()).toEqual(['auth', 'chat', 'operator']);
    const publicOf = (s: string) =>
      createPublicKey({ key: Buffer.from(publicKeys[s] ?? '', 'base64'), format: 'der', type: 'spki' });
    const data = Buffer.from('s1 test');
    expect(verify(null, data, publicOf('auth'), sign(null, data, privateOf('auth')))).toBe(true);
    expect(verify(null, data, publicOf('auth'), sign(null, data, privateOf('chat')))).toBe(false);
    // No private key in the shared environment; each service gets only its own.
    expect(Object.values(env).join('\n')).not.toContain(creds[servicePrivateKeyEntry('auth')]);
    expect(servicePrivateKeyEnv(creds, 'chat')).toEqual({
      SECURITY_SERVICE_PRIVATE_KEY: creds[servicePrivateKeyEntry('chat')],
    });
    expect(servicePrivateKeyEnv(creds, 'unknown')).toEqual({});
    // Kept on the next start; a service added later gains a pair, the others keep theirs.
    const later = ensureLocalCredentials(home, ['auth', 'chat', 'vod']);
    expect(later[servicePrivateKeyEntry('auth')]).toBe(creds[servicePrivateKeyEntry('auth')]);
    expect(later[servicePublicKeyEntry('vod')]).toBeDefined();
  });
});
