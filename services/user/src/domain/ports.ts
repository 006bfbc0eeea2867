import type { LinkedIdentity, User, UserWithCredential } from './user.ts';

export interface NewAccount {
  id: string;
  email: string;
  nickname: string;
  passwordHash: string;
  signupMethod: string;
  /** Set for a social sign-up: the provider vouched for the email. */
  identity?: { provider: string; subject: string; email: string; emailVerified: boolean };
}

export interface AccountChanges {
  email?: string;
  nickname?: string;
  passwordHash?: string;
}

/** An event to publish on `user.events` once the change it describes is committed. */
export interface PendingEvent {
  type: 'user.registered' | 'user.updated';
  data: Record<string, unknown>;
}

export interface UserRepository {
  findById(id: string): Promise<User | undefined>;
  findWithCredentialById(id: string): Promise<UserWithCredential | undefined>;
  findWithCredentialByEmail(emailNormalized: string): Promise<UserWithCredential | undefined>;
  findByIdentity(provider: string, subject: string): Promise<User | undefined>;
  identitiesOf(userId: string): Promise<LinkedIdentity[]>;
  /** Throws DomainError EMAIL_TAKEN / NICKNAME_TAKEN / NICKNAME_CONFUSABLE / IDENTITY_TAKEN on a uniqueness conflict. */
  create(account: NewAccount, event: PendingEvent): Promise<User>;
  update(id: string, changes: AccountChanges, event: PendingEvent | undefined): Promise<User>;
  /** Links an identity; returns the user and whether its email became verified by this link. */
  linkIdentity(
    userId: string,
    identity: { provider: string; subject: string; email: string; emailVerified: boolean },
  ): Promise<{ user: User; emailNewlyVerified: boolean }>;
}

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
  /** Whether a stored hash was made with weaker (or other) parameters than the current ones. */
  needsRehash(hash: string): boolean;
}
