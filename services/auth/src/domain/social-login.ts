import { DomainError } from '@phzzk/kit/errors';
import type { Account, Secrets, TokenIssuer, UserDirectory } from './ports.ts';
import { safeReturnTo } from './return-to.ts';
import type { Sessions, Tokens } from './sessions.ts';
import { decideSocialLogin, linkEndsEarlierSessions, type SocialProfile } from './social-linking.ts';

/** What is kept (in Redis, single use, a few minutes) between the redirect and the callback. */
export interface PendingAuthorization {
  provider: string;
  nonce: string;
  codeVerifier: string;
  /** SHA-256 of the browser-binding cookie: the callback must come from the browser that started. */
  bindingHash: string;
  returnTo: string;
}

export interface SocialProviders {
  has(provider: string): boolean;
  authorizationUrl(provider: string, params: { state: string; nonce: string; codeVerifier: string }): Promise<URL>;
  /** Exchanges the code (checking state, PKCE and nonce) and reads the profile. */
  complete(provider: string, callbackUrl: URL, pending: PendingAuthorization, state: string): Promise<SocialProfile>;
}

export interface SocialStateStore {
  putPending(stateHash: string, pending: PendingAuthorization, ttlSeconds: number): Promise<void>;
  /** Returns and deletes in one step, so a state (and with it a callback) works once. */
  takePending(stateHash: string): Promise<PendingAuthorization | undefined>;
  putResult(codeHash: string, value: { result: SocialResult; bindingHash: string }, ttlSeconds: number): Promise<void>;
  takeResult(codeHash: string): Promise<{ result: SocialResult; bindingHash: string } | undefined>;
  isTicketUsed(jti: string): Promise<boolean>;
  markTicketUsed(jti: string, ttlSeconds: number): Promise<void>;
}

export type SocialResult =
  | ({ status: 'authenticated'; returnTo: string } & Tokens)
  | {
      status: 'signup_required';
      signupTicket: string;
      provider: string;
      email: string;
      expiresIn: number;
      returnTo: string;
    };

const stateInvalid = () =>
  new DomainError(
    'invalid',
    'SOCIAL_STATE_INVALID',
    'This sign-in link is invalid, expired or was already used; start again.',
  );

/**
 * Social login (OAuth 2.0 / OIDC authorization code with PKCE, state and nonce) and the sign-up
 * that follows it when no account has the provider's email.
 */
export class SocialLogin {
  private readonly providers: SocialProviders;
  private readonly states: SocialStateStore;
  private readonly users: UserDirectory;
  private readonly sessions: Sessions;
  private readonly issuer: TokenIssuer;
  private readonly secrets: Secrets;
  private readonly stateTtlSeconds: () => number;

  constructor(deps: {
    providers: SocialProviders;
    states: SocialStateStore;
    users: UserDirectory;
    sessions: Sessions;
    issuer: TokenIssuer;
    secrets: Secrets;
    stateTtlSeconds: () => number;
  }) {
    this.providers = deps.providers;
    this.states = deps.states;
    this.users = deps.users;
    this.sessions = deps.sessions;
    this.issuer = deps.issuer;
    this.secrets = deps.secrets;
    this.stateTtlSeconds = deps.stateTtlSeconds;
  }

  private known(provider: string): void {
    if (!this.providers.has(provider))
      throw new DomainError('not-found', 'SOCIAL_PROVIDER_UNKNOWN', `No social login provider "${provider}"`);
  }

  /** Starts a login: where to send the browser, and the value of its binding cookie. */
  async begin(provider: string, returnTo: string | undefined): Promise<{ redirectUrl: URL; binding: string }> {
    this.known(provider);
    const state = this.secrets.token(32);
    const binding = this.secrets.token(32);
    const pending: PendingAuthorization = {
      provider,
      nonce: this.secrets.token(32),
      codeVerifier: this.secrets.token(48),
      bindingHash: this.secrets.sha256(binding),
      returnTo: safeReturnTo(returnTo),
    };
    const redirectUrl = await this.providers.authorizationUrl(provider, {
      state,
      nonce: pending.nonce,
      codeVerifier: pending.codeVerifier,
    });
    await this.states.putPending(this.secrets.sha256(state), pending, this.stateTtlSeconds());
    return { redirectUrl, binding };
  }

  /** Handles the provider's redirect back; the state is consumed whatever happens next. */
  async complete(
    provider: string,
    callbackUrl: URL,
    binding: string | undefined,
    requestId: string,
  ): Promise<SocialResult> {
    this.known(provider);
    const state = callbackUrl.searchParams.get('state');
    if (!state || state.length > 256) throw stateInvalid();
    const pending = await this.states.takePending(this.secrets.sha256(state));
    if (
      !pending ||
      pending.provider !== provider ||
      !binding ||
      !this.secrets.equal(this.secrets.sha256(binding), pending.bindingHash)
    ) {
      throw stateInvalid();
    }
    const error = callbackUrl.searchParams.get('error');
    if (error !== null) {
      const safe = /^[a-z_]{1,64}$/.test(error) ? error : 'unknown';
      if (safe === 'access_denied')
        throw new DomainError('forbidden', 'SOCIAL_ACCESS_DENIED', `Sign-in at ${provider} was cancelled or refused.`);
      throw new DomainError(
        'upstream-failed',
        'SOCIAL_PROVIDER_ERROR',
        `${provider} answered with an error (${safe}).`,
        {
          providerError: safe,
        },
      );
    }
    const profile = await this.providers.complete(provider, callbackUrl, pending, state);
    return this.conclude(profile, pending.returnTo, requestId);
  }

  private async conclude(profile: SocialProfile, returnTo: string, requestId: string): Promise<SocialResult> {
    const linked = await this.users.byIdentity(profile.provider, profile.subject, requestId);
    const byEmail = !linked && profile.email ? await this.users.byEmail(profile.email, requestId) : undefined;
    const decision = decideSocialLogin({ profile, linked, byEmail });
    let account: Account;
    switch (decision.kind) {
      case 'login':
        account = linked!;
        break;
      case 'link-and-login': {
        const linkedNow = await this.users.link(
          decision.accountId,
          { provider: profile.provider, subject: profile.subject, email: profile.email!, emailVerified: true },
          requestId,
        );
        account = linkedNow.account;
        if (linkEndsEarlierSessions(byEmail!, linkedNow.emailNewlyVerified)) await this.sessions.logoutAll(account.id);
        break;
      }
      case 'signup': {
        const ticket = await this.issuer.signupTicket({
          provider: profile.provider,
          providerSubject: profile.subject,
          email: decision.email,
          returnTo,
        });
        return {
          status: 'signup_required',
          signupTicket: ticket.token,
          provider: profile.provider,
          email: decision.email,
          expiresIn: ticket.expiresIn,
          returnTo,
        };
      }
    }
    return { status: 'authenticated', ...(await this.sessions.start(account)), returnTo };
  }

  /** Keeps a result for the browser to fetch once (the redirect carries only a one-time code). */
  async holdResult(result: SocialResult, binding: string, ttlSeconds: number): Promise<string> {
    const code = this.secrets.token(32);
    await this.states.putResult(
      this.secrets.sha256(code),
      { result, bindingHash: this.secrets.sha256(binding) },
      ttlSeconds,
    );
    return code;
  }

  async exchange(code: string, binding: string | undefined): Promise<SocialResult> {
    const held = await this.states.takeResult(this.secrets.sha256(code));
    if (!held || !binding || !this.secrets.equal(this.secrets.sha256(binding), held.bindingHash)) {
      throw new DomainError(
        'invalid',
        'SOCIAL_CODE_INVALID',
        'This sign-in code is invalid, expired or was already used.',
      );
    }
    return held.result;
  }

  /** Finishes a social sign-up: the email is the provider's, nickname and password the user's. */
  async finishSignup(input: { signupTicket: string; nickname: string; password: string }, requestId: string) {
    const ticket = await this.issuer.verifySignupTicket(input.signupTicket);
    if (await this.states.isTicketUsed(ticket.jti)) {
      throw new DomainError(
        'unauthenticated',
        'SIGNUP_TICKET_USED',
        'This sign-up was already completed; sign in instead.',
      );
    }
    const account = await this.users.create(
      {
        email: ticket.email,
        nickname: input.nickname,
        password: input.password,
        identity: {
          provider: ticket.provider,
          subject: ticket.providerSubject,
          email: ticket.email,
          emailVerified: true,
        },
      },
      requestId,
    );
    await this.states.markTicketUsed(ticket.jti, 24 * 3600);
    return { tokens: await this.sessions.start(account), returnTo: ticket.returnTo };
  }
}
