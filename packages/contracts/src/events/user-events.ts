import Type, { type Static } from 'typebox';
import { envelope, Uuid } from './envelope.ts';

export const SignupMethod = Type.String({ pattern: '^(password|[a-z][a-z0-9-]{1,31})$' });

export const UserRegistered = envelope(
  'user.registered',
  Type.Object(
    {
      userId: Uuid,
      email: Type.String({ format: 'email', maxLength: 254 }),
      nickname: Type.String({ minLength: 2, maxLength: 20 }),
      signupMethod: SignupMethod,
    },
    { additionalProperties: false },
  ),
);

export const UserUpdated = envelope(
  'user.updated',
  Type.Object(
    {
      userId: Uuid,
      email: Type.Optional(Type.String({ format: 'email', maxLength: 254 })),
      nickname: Type.Optional(Type.String({ minLength: 2, maxLength: 20 })),
    },
    { additionalProperties: false },
  ),
);

export type UserRegistered = Static<typeof UserRegistered>;
export type UserUpdated = Static<typeof UserUpdated>;
