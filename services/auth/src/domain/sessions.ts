import { DomainError } from '@phzzk/kit/errors';
import { invalidCredentials } from './errors.ts';
import { LoginThrottle, type LoginThrottleSettings, tooMany } from './login-throttle.ts';
import { refreshExpiry, rotationResult } from './refresh-rotation.ts';
import type {
  Account,
  AttemptLimiter,
  DeviceRegistry,
  Secrets,
  SessionStore,
  TokenIssuer,
  UserDirectory,
} from './ports.ts';

export interface SessionSettings {
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
  sessionMaxAgeSeconds: number;
  /** How long a rotated refresh token still returns the pair it was rotated to (0: never). */
  refreshGraceSeconds: number;
  login: LoginThrottleSettings;
  signup: { maxPerIp: number; windowSeconds: number };
}

export interface Tokens {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
}

/** A successful password login: the tokens, and the device cookie to set (OWASP device cookies). */
export interface LoginResult {
  tokens: Tokens;
  device: { token: string; maxAgeSeconds: number };
}

export interface CallContext {
  ip: string;
  requestId: string;
}

/** Refresh tokens carry 256 random bits (ASVS V3.2.2 asks for at least 64, the brief for 256). */
const REFRESH_TOKEN_BYTES = 32;

const normalizeEmail = (email: string) => email.normalize('NFKC').trim().toLowerCase();

/**
 * Password sign-up and login, and the refresh-token families that follow: each login starts a
 * family (its id is the access tokens' `sid`), each refresh rotates the family's one valid token.
 */
export class Sessions {
  private readonly users: UserDirectory;
  private readonly store: SessionStore;
  private readonly issuer: TokenIssuer;
  private readonly limiter: AttemptLimiter;
  private readonly secrets: Secrets;
  private readonly settings: () => SessionSettings;
  private readonly now: () => number;
  private readonly throttle: LoginThrottle;

  constructor(deps: {
    users: UserDirectory;
    store: SessionStore;
    issuer: TokenIssuer;
    limiter: AttemptLimiter;
    devices: DeviceRegistry;
    secrets: Secrets;
    settings: () => SessionSettings;
    now?: () => number;
  }) {
    this.users = deps.users;
    this.store = deps.store;
    this.issuer = deps.issuer;
    this.limiter = deps.limiter;
    this.secrets = deps.secrets;
    this.settings = deps.settings;
    this.now = deps.now ?? Date.now;
    this.throttle = new LoginThrottle({
      limiter: deps.limiter,
      devices: deps.devices,
      secrets: deps.secrets,
      settings: () => deps.settings().login,
      now: this.now,
    });
  }

  async signup(input: { email: string; nickname: string; password: string }, ctx: CallContext): Promise<Tokens> {
    const { signup } = this.settings();
    const verdict = await this.limiter.reserve(
      [{ key: `signup:ip:${ctx.ip}`, limit: signup.maxPerIp }],
      signup.windowSeconds,
    );
    if (!verdict.allowed)
      throw tooMany(verdict.retryAfterSeconds, 'Too many sign-ups from this address; try again later.');
    const account = await this.users.create(input, ctx.requestId);
    return this.start(account);
  }

  /**
   * Password login, throttled without a lockout anyone else can trigger (see LoginThrottle): a
   * client that signed in to this account before from this device (`deviceToken`) is held only
   * to its own budget. Every attempt is counted before the password is checked (parallel guesses
   * cannot slip past a limit); a successful one gives its count back.
   */
  async login(email: string, password: string, ctx: CallContext & { deviceToken?: string }): Promise<LoginResult> {
    const accountKey = this.secrets.sha256(normalizeEmail(email));
    const pass = await this.throttle.admit(accountKey, ctx.ip, ctx.deviceToken);
    let account: Account;
    try {
      account = await this.users.verifyCredentials(email, password, ctx.requestId);
    } catch (error) {
      // Whatever the user service said about this email, the caller hears the same thing.
      if (error instanceof DomainError && (error.kind === 'unauthenticated' || error.kind === 'not-found'))
        throw invalidCredentials();
      throw error;
    }
    const device = await this.throttle.succeeded(pass, accountKey, ctx.deviceToken);
    return { tokens: await this.start(account), device };
  }

  /** Starts a new session family for an account that has just authenticated. */
  async start(account: Account): Promise<Tokens> {
    const settings = this.settings();
    const now = this.now();
    const sessionId = this.secrets.uuid();
    const refreshToken = this.secrets.token(REFRESH_TOKEN_BYTES);
    const familyEndsAt = now + settings.sessionMaxAgeSeconds * 1000;
    await this.store.create({
      sessionId,
      userId: account.id,
      tokenHash: this.secrets.sha256(refreshToken),
      tokenExpiresAt: refreshExpiry(now, settings.refreshTtlSeconds, familyEndsAt),
      familyEndsAt,
    });
    const access = await this.issuer.accessToken({ userId: account.id, sessionId, roles: account.roles });
    return { accessToken: access.token, refreshToken, tokenType: 'Bearer', expiresIn: access.expiresIn };
  }

  async refresh(refreshToken: string, requestId: string): Promise<Tokens> {
    const hash = this.secrets.sha256(refreshToken);
    const holder = await this.store.peek(hash);
    if (!holder) return rotationResult({ status: 'unknown' }) as never;
    // Look the account up first: a failure here must not burn the token (the client may retry).
    const account = await this.users.byId(holder.userId, requestId);
    if (!account) {
      await this.store.revokeFamily(holder.sessionId);
      return rotationResult({ status: 'revoked' }) as never;
    }
    // The answer is made before the rotation, so that it can be kept (sealed with a key only the
    // old token's holder can derive) for a parallel refresh within the grace period. If the
    // rotation fails, the signed access token is dropped unseen.
    const settings = this.settings();
    const next = this.secrets.token(REFRESH_TOKEN_BYTES);
    const access = await this.issuer.accessToken({
      userId: holder.userId,
      sessionId: holder.sessionId,
      roles: account.roles,
    });
    const tokens: Tokens = {
      accessToken: access.token,
      refreshToken: next,
      tokenType: 'Bearer',
      expiresIn: access.expiresIn,
    };
    const graceMs = settings.refreshGraceSeconds * 1000;
    const outcome = await this.store.rotate(
      hash,
      this.secrets.sha256(next),
      this.now(),
      settings.refreshTtlSeconds,
      graceMs > 0 ? { ms: graceMs, sealed: this.secrets.seal(JSON.stringify(tokens), refreshToken) } : undefined,
    );
    if (outcome.status === 'grace') {
      const kept = this.secrets.open(outcome.sealed, refreshToken);
      if (kept) return JSON.parse(kept) as Tokens;
    }
    rotationResult(outcome);
    return tokens;
  }

  /** Ends the session of a refresh token. Unknown tokens are fine: logging out is idempotent. */
  async logout(refreshToken: string): Promise<void> {
    await this.store.revokeByToken(this.secrets.sha256(refreshToken));
  }

  async logoutAll(userId: string, exceptSessionId?: string): Promise<number> {
    return this.store.revokeUser(userId, exceptSessionId);
  }
}
