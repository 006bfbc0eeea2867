/** How PHZZK talks to one social login provider, after presets and configuration are merged. */
export interface ProviderSettings {
  id: string;
  /** `oidc`: ID token with nonce, endpoints from discovery; `oauth2`: plain OAuth 2.0 plus a profile API. */
  kind: 'oidc' | 'oauth2';
  issuer: string;
  authorizationEndpoint: string | undefined;
  tokenEndpoint: string | undefined;
  userinfoEndpoint: string | undefined;
  /** GitHub: the list of the user's emails with their verification flags. */
  emailsEndpoint: string | undefined;
  clientId: string;
  clientSecret: string | undefined;
  scopes: string[];
  /** How the profile is read: standard OIDC claims, or the Naver / GitHub APIs. */
  profile: 'oidc' | 'naver' | 'github';
  /** Treat the provider's email as verified when it gives no flag (see the Naver preset). */
  trustEmail: boolean;
}

export type ProviderConfig = {
  id: string;
  preset?: string;
  issuer?: string;
  authorizationEndpoint?: string;
  tokenEndpoint?: string;
  userinfoEndpoint?: string;
  emailsEndpoint?: string;
  clientId: string;
  clientSecret?: string;
  scopes?: string[];
  trustEmail?: boolean;
  enabled?: boolean;
};

type Preset = Omit<ProviderSettings, 'id' | 'clientId' | 'clientSecret'>;

/** An OpenID Connect provider whose endpoints come from discovery at `issuer`; its email is not trusted unverified. */
function oidcPreset(issuer: string, scopes = ['openid', 'email', 'profile']): Preset {
  return {
    kind: 'oidc',
    issuer,
    authorizationEndpoint: undefined,
    tokenEndpoint: undefined,
    userinfoEndpoint: undefined,
    emailsEndpoint: undefined,
    scopes,
    profile: 'oidc',
    trustEmail: false,
  };
}

export const PROVIDER_PRESETS: Record<string, Preset> = {
  google: oidcPreset('https://accounts.google.com'),
  // Kakao's ID token carries the email without a flag; email_verified comes from its userinfo.
  kakao: oidcPreset('https://kauth.kakao.com', ['openid', 'account_email', 'profile_nickname']),
  // Naver Login is OAuth 2.0 with a profile API that has no verification flag; the email it
  // returns is the one the Naver account confirmed, so the preset trusts it (trustEmail: false
  // turns that off, which also stops Naver sign-ups).
  naver: {
    kind: 'oauth2',
    issuer: 'https://nid.naver.com',
    authorizationEndpoint: 'https://nid.naver.com/oauth2.0/authorize',
    tokenEndpoint: 'https://nid.naver.com/oauth2.0/token',
    userinfoEndpoint: 'https://openapi.naver.com/v1/nid/me',
    emailsEndpoint: undefined,
    scopes: [],
    profile: 'naver',
    trustEmail: true,
  },
  github: {
    kind: 'oauth2',
    issuer: 'https://github.com',
    authorizationEndpoint: 'https://github.com/login/oauth/authorize',
    tokenEndpoint: 'https://github.com/login/oauth/access_token',
    userinfoEndpoint: 'https://api.github.com/user',
    emailsEndpoint: 'https://api.github.com/user/emails',
    scopes: ['read:user', 'user:email'],
    profile: 'github',
    trustEmail: false,
  },
};

/** Merges a configured provider over its preset (a preset named like the id applies by default). */
export function resolveProvider(config: ProviderConfig): ProviderSettings {
  const presetName = config.preset ?? (config.id in PROVIDER_PRESETS ? config.id : 'oidc');
  const preset = PROVIDER_PRESETS[presetName];
  if (!preset && presetName !== 'oidc')
    throw new Error(`auth.social.providers: ${config.id} names unknown preset "${presetName}"`);
  const base: Preset = preset ?? oidcPreset('');
  const settings: ProviderSettings = {
    ...base,
    id: config.id,
    issuer: config.issuer ?? base.issuer,
    authorizationEndpoint: config.authorizationEndpoint ?? base.authorizationEndpoint,
    tokenEndpoint: config.tokenEndpoint ?? base.tokenEndpoint,
    userinfoEndpoint: config.userinfoEndpoint ?? base.userinfoEndpoint,
    emailsEndpoint: config.emailsEndpoint ?? base.emailsEndpoint,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    scopes: config.scopes ?? base.scopes,
    trustEmail: config.trustEmail ?? base.trustEmail,
  };
  if (!settings.issuer) throw new Error(`auth.social.providers: ${config.id} needs an issuer`);
  if (
    settings.kind === 'oauth2' &&
    (!settings.authorizationEndpoint || !settings.tokenEndpoint || !settings.userinfoEndpoint)
  ) {
    throw new Error(`auth.social.providers: ${config.id} needs authorization, token and userinfo endpoints`);
  }
  return settings;
}
