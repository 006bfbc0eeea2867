import Type, { type Static } from 'typebox';
import { SignupMethod } from '../events/user-events.ts';
import { IsoTime, Uuid } from '../events/envelope.ts';
import { EmailField, NicknameField, PasswordField } from './auth-dto.ts';

// The user service's internal API for the auth service (`/internal/**`, never routed by the
// gateway). Emails and passwords travel in bodies, never in URLs, so they stay out of access logs.
export const ProviderField = Type.String({ pattern: '^[a-z][a-z0-9-]{1,31}$' });
export const SubjectField = Type.String({ minLength: 1, maxLength: 255 });

export const SocialIdentityInput = Type.Object(
  { provider: ProviderField, subject: SubjectField, email: EmailField, emailVerified: Type.Boolean() },
  { additionalProperties: false },
);
export type SocialIdentityInput = Static<typeof SocialIdentityInput>;

/** An account as the auth service needs it to issue tokens: no credentials. */
export const InternalAccount = Type.Object(
  {
    id: Uuid,
    email: Type.String(),
    nickname: Type.String(),
    signupMethod: SignupMethod,
    emailVerified: Type.Boolean(),
    roles: Type.Array(Type.String()),
    createdAt: IsoTime,
  },
  { additionalProperties: false },
);
export type InternalAccount = Static<typeof InternalAccount>;

export const CreateAccountRequest = Type.Object(
  {
    email: EmailField,
    nickname: NicknameField,
    password: PasswordField,
    /** Present for a social sign-up: the account is marked with the provider and the identity linked. */
    identity: Type.Optional(SocialIdentityInput),
  },
  { additionalProperties: false },
);
export type CreateAccountRequest = Static<typeof CreateAccountRequest>;

export const VerifyCredentialsRequest = Type.Object(
  { email: EmailField, password: PasswordField },
  { additionalProperties: false },
);
export type VerifyCredentialsRequest = Static<typeof VerifyCredentialsRequest>;

export const LookupAccountRequest = Type.Union([
  Type.Object({ email: EmailField }, { additionalProperties: false }),
  Type.Object({ provider: ProviderField, subject: SubjectField }, { additionalProperties: false }),
]);
export type LookupAccountRequest = Static<typeof LookupAccountRequest>;

export const LinkIdentityResponse = Type.Object(
  {
    account: InternalAccount,
    /** True when this link verified the account's email for the first time (see the auth service). */
    emailNewlyVerified: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type LinkIdentityResponse = Static<typeof LinkIdentityResponse>;
