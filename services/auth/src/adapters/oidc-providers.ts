import * as oidc from 'openid-client';
import { DomainError } from '@phzzk/kit/errors';
import type { ProviderSettings } from '../domain/providers.ts';
import type { PendingAuthorization, SocialProviders } from '../domain/social-login.ts';
import type { SocialProfile } from '../domain/social-linking.ts';
import { githubProfile, naverProfile, oidcProfile } from '../domain/social-profile.ts';

type Json = Record<string, unknown>;

/** Plain http is allowed only for a provider on this machine (tests, a local IdP), never elsewhere. */
const isLoopback = (url: string) => /^http:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?(\/|$)/.test(url);

/**
 * The social providers through openid-client: OIDC discovery and ID token checks (signature,
 * issuer, audience, nonce, expiry) for OIDC providers, plain authorization code + PKCE plus
 * profile APIs for Naver and GitHub.
 */
export class OidcProviders implements SocialProviders {
  private readonly settings: () => ProviderSettings[];
  private readonly redirectUri: (provider: string) => string;
  private readonly configs = new Map<string, Promise<oidc.Configuration>>();

  constructor(options: { providers: () => ProviderSettings[]; redirectUri: (provider: string) => string }) {
    this.settings = options.providers;
    this.redirectUri = options.redirectUri;
  }

  private find(id: string): ProviderSettings {
    const s = this.settings().find((p) => p.id === id);
    if (!s) throw new DomainError('not-found', 'SOCIAL_PROVIDER_UNKNOWN', `No social login provider "${id}"`);
    return s;
  }

  has(id: string): boolean {
    return this.settings().some((p) => p.id === id);
  }

  private configuration(s: ProviderSettings): Promise<oidc.Configuration> {
    const cacheKey = JSON.stringify(s);
    let config = this.configs.get(cacheKey);
    if (!config) {
      config = this.load(s);
      this.configs.set(cacheKey, config);
      // A failed discovery is retried on the next login rather than remembered.
      config.catch(() => this.configs.delete(cacheKey));
    }
    return config;
  }

  private async load(s: ProviderSettings): Promise<oidc.Configuration> {
    const auth = oidc.ClientSecretPost(s.clientSecret);
    const insecure = isLoopback(s.issuer);
    let config: oidc.Configuration;
    if (s.kind === 'oidc' && !s.authorizationEndpoint) {
      try {
        config = await oidc.discovery(new URL(s.issuer), s.clientId, { client_secret: s.clientSecret }, auth, {
          execute: insecure ? [oidc.allowInsecureRequests] : [],
          timeout: 5,
        });
      } catch {
        throw new DomainError('upstream-failed', 'SOCIAL_PROVIDER_UNREACHABLE', `${s.id} cannot be reached right now.`);
      }
    } else {
      config = new oidc.Configuration(
        {
          issuer: s.issuer,
          authorization_endpoint: s.authorizationEndpoint,
          token_endpoint: s.tokenEndpoint,
          userinfo_endpoint: s.userinfoEndpoint,
        },
        s.clientId,
        { client_secret: s.clientSecret },
        auth,
      );
      if (insecure) oidc.allowInsecureRequests(config);
    }
    return config;
  }

  async authorizationUrl(id: string, params: { state: string; nonce: string; codeVerifier: string }): Promise<URL> {
    const s = this.find(id);
    const config = await this.configuration(s);
    return oidc.buildAuthorizationUrl(config, {
      redirect_uri: this.redirectUri(id),
      response_type: 'code',
      scope: s.scopes.join(' '),
      state: params.state,
      code_challenge: await oidc.calculatePKCECodeChallenge(params.codeVerifier),
      code_challenge_method: 'S256',
      ...(s.kind === 'oidc' ? { nonce: params.nonce } : {}),
    });
  }

  async complete(id: string, callbackUrl: URL, pending: PendingAuthorization, state: string): Promise<SocialProfile> {
    const s = this.find(id);
    const config = await this.configuration(s);
    // The token request repeats the redirect_uri of the authorization request: the public one,
    // not the address this instance was reached at behind the gateway.
    const current = new URL(this.redirectUri(id));
    current.search = callbackUrl.search;
    try {
      const tokens = await oidc.authorizationCodeGrant(config, current, {
        pkceCodeVerifier: pending.codeVerifier,
        expectedState: state,
        ...(s.kind === 'oidc' ? { expectedNonce: pending.nonce, idTokenExpected: true } : { idTokenExpected: false }),
      });
      if (s.profile === 'oidc') {
        const claims = { ...(tokens.claims() ?? {}) } as Json;
        const hasUserinfo = config.serverMetadata().userinfo_endpoint !== undefined;
        if (hasUserinfo && (claims.email === undefined || claims.email_verified === undefined)) {
          const info = (await oidc.fetchUserInfo(config, tokens.access_token, String(claims.sub))) as Json;
          for (const key of ['email', 'email_verified', 'name', 'nickname']) claims[key] ??= info[key];
        }
        return oidcProfile(id, claims, s.trustEmail);
      }
      const get = async (url: string) => {
        const headers = new Headers({ accept: 'application/json', 'user-agent': 'phzzk-auth' });
        const res = await oidc.fetchProtectedResource(
          config,
          tokens.access_token,
          new URL(url),
          'GET',
          undefined,
          headers,
        );
        if (!res.ok)
          throw new DomainError(
            'upstream-failed',
            'SOCIAL_PROVIDER_ERROR',
            `${id} profile request answered ${res.status}`,
          );
        return res.json() as Promise<unknown>;
      };
      const profile = (await get(s.userinfoEndpoint!)) as Json;
      if (s.profile === 'naver') return naverProfile(id, profile, s.trustEmail);
      return githubProfile(id, profile, s.emailsEndpoint ? await get(s.emailsEndpoint) : []);
    } catch (error) {
      throw providerError(id, error);
    }
  }
}

function providerError(id: string, error: unknown): DomainError {
  if (error instanceof DomainError) return error;
  if (error instanceof oidc.AuthorizationResponseError) {
    return error.error === 'access_denied'
      ? new DomainError('forbidden', 'SOCIAL_ACCESS_DENIED', `Sign-in at ${id} was cancelled or refused.`)
      : new DomainError('upstream-failed', 'SOCIAL_PROVIDER_ERROR', `${id} answered with an error (${error.error}).`);
  }
  if (error instanceof oidc.ResponseBodyError) {
    // invalid_grant: the code was used already, expired, or does not match the PKCE verifier.
    return new DomainError(
      'invalid',
      'SOCIAL_CODE_REJECTED',
      `${id} refused the authorization code (${error.error}); start again.`,
    );
  }
  const code = (error as { code?: string }).code;
  if (
    code === 'OAUTH_JWT_CLAIM_COMPARISON_FAILED' ||
    (code ?? '').startsWith('OAUTH_JWT') ||
    code === 'OAUTH_JWS_SIGNATURE_VERIFICATION_FAILED'
  ) {
    return new DomainError(
      'unauthenticated',
      'SOCIAL_ID_TOKEN_INVALID',
      `The identity token from ${id} did not pass verification; start again.`,
    );
  }
  return new DomainError('upstream-failed', 'SOCIAL_PROVIDER_ERROR', `Signing in with ${id} failed; try again.`);
}
