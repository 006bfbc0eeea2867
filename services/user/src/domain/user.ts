export interface User {
  id: string;
  email: string;
  nickname: string;
  signupMethod: string;
  roles: string[];
  emailVerified: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface LinkedIdentity {
  provider: string;
  subject: string;
  email: string | null;
  emailVerified: boolean;
  linkedAt: Date;
}

/** A user with what only credential checks may see. */
export interface UserWithCredential extends User {
  passwordHash: string | null;
}

export interface PublicProfile {
  id: string;
  nickname: string;
  createdAt: string;
}

/** What anyone may see of a user: never the email or anything about credentials. */
export function publicProfile(user: User): PublicProfile {
  return { id: user.id, nickname: user.nickname, createdAt: user.createdAt.toISOString() };
}

/** Accounts created through social login keep the provider's email for good (design section 4). */
export const canChangeEmail = (user: Pick<User, 'signupMethod'>): boolean => user.signupMethod === 'password';

/** What the owner sees of their own account. */
export function privateProfile(user: User, identities: LinkedIdentity[]) {
  return {
    id: user.id,
    email: user.email,
    nickname: user.nickname,
    signupMethod: user.signupMethod,
    emailChangeable: canChangeEmail(user),
    emailVerified: user.emailVerified,
    roles: user.roles,
    identities: identities.map((i) => ({ provider: i.provider, email: i.email, linkedAt: i.linkedAt.toISOString() })),
    createdAt: user.createdAt.toISOString(),
    updatedAt: user.updatedAt.toISOString(),
  };
}

/** What the auth service needs to issue tokens. */
export function internalAccount(user: User) {
  return {
    id: user.id,
    email: user.email,
    nickname: user.nickname,
    signupMethod: user.signupMethod,
    emailVerified: user.emailVerified,
    roles: user.roles,
    createdAt: user.createdAt.toISOString(),
  };
}

/** Emails compare case-insensitively and after Unicode normalization. */
export const normalizeEmail = (email: string): string => email.normalize('NFKC').trim().toLowerCase();

/** The form an email is stored and shown in: normalized Unicode, no surrounding space, case kept. */
export const displayEmail = (email: string): string => email.normalize('NFKC').trim();

/** Nicknames are unique regardless of case and Unicode form (Korean allowed). */
export const normalizeNickname = (nickname: string): string => nickname.normalize('NFKC').trim().toLowerCase();
