import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A local platform's secret (`npm start`), made once and kept in `<PHZZK_HOME>/secrets/<name>`
 * (mode 0600) so that an instance started later (`phzzk start-one`) shares it; delete the file to
 * rotate it at the next start. Outside local development set the variables yourself (or the
 * keys as `{cipher}` values in the config repository). Names used:
 * - `service-key`: SECURITY_SERVICE_KEYS, with which every service and the gateway sign and
 *   verify identities and /internal credentials;
 * - `operator-token`: GATEWAY_OPERATOR_TOKEN, the bearer token for the gateway's /metrics, /info
 *   and detailed /health.
 */
export function devSecret(home: string, name: 'service-key' | 'operator-token'): string {
  const dir = join(home, 'secrets');
  const file = join(dir, name);
  try {
    const existing = readFileSync(file, 'utf8').trim();
    if (existing.length >= 32) return existing;
  } catch {}
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}
