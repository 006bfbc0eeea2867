import Type, { type Static } from 'typebox';

// Public auth API DTOs (POST /api/auth/*). Field limits are generous upper bounds against abuse;
// the password policy itself (10-128 characters, weak patterns) is enforced by the user service
// so that every path that sets a password applies the same rules.
export const EmailField = Type.String({ format: 'email', minLength: 3, maxLength: 254 });
export const NicknameField = Type.String({ minLength: 1, maxLength: 64 });
export const PasswordField = Type.String({ minLength: 1, maxLength: 1024 });
/** An opaque refresh token: 256 random bits, base64url (43 characters). */
export const RefreshTokenField = Type.String({ minLength: 16, maxLength: 256, pattern: '^[A-Za-z0-9_-]+$' });

export const SignupRequest = Type.Object(
  { email: EmailField, nickname: NicknameField, password: PasswordField },
  { additionalProperties: false },
);
export type SignupRequest = Static<typeof SignupRequest>;

export const LoginRequest = Type.Object(
  { email: EmailField, password: PasswordField },
  { additionalProperties: false },
);
export type LoginRequest = Static<typeof LoginRequest>;

export const RefreshRequest = Type.Object({ refreshToken: RefreshTokenField }, { additionalProperties: false });
export type RefreshRequest = Static<typeof RefreshRequest>;

export const LogoutRequest = RefreshRequest;
export type LogoutRequest = Static<typeof LogoutRequest>;

/** `POST /api/auth/logout-all`: every session of the user, or every other one with keepCurrent. */
export const LogoutAllRequest = Type.Object(
  { keepCurrent: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);
export type LogoutAllRequest = Static<typeof LogoutAllRequest>;

export const TokenResponse = Type.Object(
  {
    accessToken: Type.String(),
    refreshToken: Type.String(),
    tokenType: Type.Literal('Bearer'),
    /** Seconds until the access token expires. */
    expiresIn: Type.Integer(),
  },
  { additionalProperties: false },
);
export type TokenResponse = Static<typeof TokenResponse>;

/** `POST /api/auth/social/signup`: finishes a social sign-up; the email comes from the ticket. */
export const SocialSignupRequest = Type.Object(
  { signupTicket: Type.String({ minLength: 1, maxLength: 4096 }), nickname: NicknameField, password: PasswordField },
  { additionalProperties: false },
);
export type SocialSignupRequest = Static<typeof SocialSignupRequest>;

/** `POST /api/auth/social/exchange`: trades the one-time code of a browser callback for its result. */
export const SocialExchangeRequest = Type.Object(
  { code: Type.String({ minLength: 16, maxLength: 256, pattern: '^[A-Za-z0-9_-]+$' }) },
  { additionalProperties: false },
);
export type SocialExchangeRequest = Static<typeof SocialExchangeRequest>;

/** What a social login ends in: tokens, or a sign-up to finish with a nickname and a password. */
export const SocialAuthenticated = Type.Object(
  {
    status: Type.Literal('authenticated'),
    accessToken: Type.String(),
    refreshToken: Type.String(),
    tokenType: Type.Literal('Bearer'),
    expiresIn: Type.Integer(),
    returnTo: Type.String(),
  },
  { additionalProperties: false },
);
export const SocialSignupRequired = Type.Object(
  {
    status: Type.Literal('signup_required'),
    signupTicket: Type.String(),
    provider: Type.String(),
    email: Type.String(),
    /** Seconds the ticket stays valid. */
    expiresIn: Type.Integer(),
    returnTo: Type.String(),
  },
  { additionalProperties: false },
);
export const SocialResult = Type.Union([SocialAuthenticated, SocialSignupRequired]);
export type SocialResult = Static<typeof SocialResult>;

export const Jwks = Type.Object({
  keys: Type.Array(
    Type.Object(
      {
        kty: Type.String(),
        kid: Type.String(),
        use: Type.Literal('sig'),
        alg: Type.String(),
      },
      { additionalProperties: true },
    ),
  ),
});
export type Jwks = Static<typeof Jwks>;

/** `POST /api/auth/logout-all`: how many sessions were ended. */
export const LogoutAllResponse = Type.Object({ ended: Type.Integer({ minimum: 0 }) }, { additionalProperties: false });
export type LogoutAllResponse = Static<typeof LogoutAllResponse>;
