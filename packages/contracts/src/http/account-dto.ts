import Type, { type Static } from 'typebox';
import { IsoTime, Uuid } from '../events/envelope.ts';
import { EmailField, NicknameField, PasswordField } from './auth-dto.ts';

/** A linked social identity as its owner sees it (the provider's subject stays internal). */
export const LinkedIdentity = Type.Object(
  { provider: Type.String(), email: Type.Union([Type.String(), Type.Null()]), linkedAt: IsoTime },
  { additionalProperties: false },
);

/** `GET /api/users/me`: the caller's own account. */
export const PrivateUser = Type.Object(
  {
    id: Uuid,
    email: Type.String(),
    nickname: Type.String(),
    signupMethod: Type.String(),
    /** False for accounts created through social login: their email is fixed. */
    emailChangeable: Type.Boolean(),
    emailVerified: Type.Boolean(),
    roles: Type.Array(Type.String()),
    identities: Type.Array(LinkedIdentity),
    createdAt: IsoTime,
    updatedAt: IsoTime,
  },
  { additionalProperties: false },
);
export type PrivateUser = Static<typeof PrivateUser>;

/**
 * `PATCH /api/users/me`. Changing the password or the email needs `currentPassword`
 * (re-authentication for sensitive changes); the nickname alone does not.
 */
export const UpdateMeRequest = Type.Object(
  {
    nickname: Type.Optional(NicknameField),
    email: Type.Optional(EmailField),
    newPassword: Type.Optional(PasswordField),
    currentPassword: Type.Optional(PasswordField),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateMeRequest = Static<typeof UpdateMeRequest>;
