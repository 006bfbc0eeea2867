import { DomainError } from '@phzzk/kit/errors';
import type { AttemptLimiter, DeviceRegistry, Secrets } from './ports.ts';

export interface LoginThrottleSettings {
  /** Failed logins per client address and window, whatever the account (credential stuffing). */
  maxFailuresPerIp: number;
  /** Failed logins per account and window from clients without a device cookie of that account. */
  maxFailuresPerAccount: number;
  windowSeconds: number;
  /** Failures per account and address that pass at once; after that each waits twice as long. */
  freeFailuresPerAccountAndIp: number;
  backoffBaseSeconds: number;
  backoffMaxSeconds: number;
  /** Failed logins per window that one device cookie may make (its own budget). */
  maxFailuresPerDevice: number;
  /** How long a device stays known after its last successful login. */
  deviceTtlSeconds: number;
}

/** What a login that got through owes the limiter: counts to reset or refund if it succeeds. */
export interface LoginPass {
  trusted: boolean;
  resetKeys: string[];
  refundKeys: string[];
}

/** Device tokens carry 256 random bits, like refresh tokens. */
const DEVICE_TOKEN_BYTES = 32;

/**
 * Login throttling without a lockout that someone else can trigger (OWASP authentication cheat
 * sheet, "device cookies"):
 * - every client: a fixed budget of failures per address (`login:ip:<ip>`);
 * - a client without a device cookie of the account: growing delays per account and address
 *   (`login:account-ip:<account>:<ip>`: 3 free failures, then 2 s, 4 s, 8 s ... up to 15 min) and a
 *   global budget per account (`login:account:<account>`), which an attacker may use up: then
 *   only clients without a device cookie of the account wait;
 * - a client with a valid device cookie of the account (issued at a successful login there):
 *   only its own budget (`login:device:<sha256(token)>`), which nobody else can spend.
 * Accounts are keyed by a hash of the normalized email, so unknown emails are throttled alike.
 */
export class LoginThrottle {
  private readonly limiter: AttemptLimiter;
  private readonly devices: DeviceRegistry;
  private readonly secrets: Secrets;
  private readonly settings: () => LoginThrottleSettings;
  private readonly now: () => number;

  constructor(deps: {
    limiter: AttemptLimiter;
    devices: DeviceRegistry;
    secrets: Secrets;
    settings: () => LoginThrottleSettings;
    now: () => number;
  }) {
    this.limiter = deps.limiter;
    this.devices = deps.devices;
    this.secrets = deps.secrets;
    this.settings = deps.settings;
    this.now = deps.now;
  }

  /** Counts a login attempt, or refuses it with 429 TOO_MANY_ATTEMPTS and Retry-After. */
  async admit(accountKey: string, ip: string, deviceToken: string | undefined): Promise<LoginPass> {
    const s = this.settings();
    if (deviceToken && (await this.devices.accountOf(this.secrets.sha256(deviceToken))) === accountKey) {
      const deviceKey = `login:device:${this.secrets.sha256(deviceToken)}`;
      const verdict = await this.limiter.reserve([{ key: deviceKey, limit: s.maxFailuresPerDevice }], s.windowSeconds);
      if (!verdict.allowed) throw tooMany(verdict.retryAfterSeconds);
      return { trusted: true, resetKeys: [deviceKey], refundKeys: [] };
    }
    const ipKey = `login:ip:${ip}`;
    const accountWideKey = `login:account:${accountKey}`;
    const pairKey = `login:account-ip:${accountKey}:${ip}`;
    const verdict = await this.limiter.reserve(
      [
        { key: ipKey, limit: s.maxFailuresPerIp },
        { key: accountWideKey, limit: s.maxFailuresPerAccount },
      ],
      s.windowSeconds,
    );
    if (!verdict.allowed) throw tooMany(verdict.retryAfterSeconds);
    const backoff = await this.limiter.backoff(
      pairKey,
      {
        freeFailures: s.freeFailuresPerAccountAndIp,
        baseMs: s.backoffBaseSeconds * 1000,
        maxMs: s.backoffMaxSeconds * 1000,
        windowMs: s.windowSeconds * 1000,
      },
      this.now(),
    );
    if (!backoff.allowed) {
      await this.limiter.release([], [ipKey, accountWideKey]);
      throw tooMany(backoff.retryAfterSeconds);
    }
    return { trusted: false, resetKeys: [pairKey], refundKeys: [ipKey, accountWideKey] };
  }

  /**
   * After a successful login: gives the attempt back, and (re)binds the device token to the
   * account, a new one unless the client came with a valid one. Returns the token to set.
   */
  async succeeded(
    pass: LoginPass,
    accountKey: string,
    deviceToken: string | undefined,
  ): Promise<{ token: string; maxAgeSeconds: number }> {
    await this.limiter.release(pass.resetKeys, pass.refundKeys);
    const token = pass.trusted && deviceToken ? deviceToken : this.secrets.token(DEVICE_TOKEN_BYTES);
    const maxAgeSeconds = this.settings().deviceTtlSeconds;
    await this.devices.remember(this.secrets.sha256(token), accountKey, maxAgeSeconds);
    return { token, maxAgeSeconds };
  }
}

export function tooMany(retryAfterSeconds: number, detail = 'Too many failed logins; try again later.'): DomainError {
  return new DomainError('rate-limited', 'TOO_MANY_ATTEMPTS', detail, { retryAfter: Math.max(1, retryAfterSeconds) });
}
