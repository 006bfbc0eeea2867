import { v7 as uuidv7 } from 'uuid';
import { DomainError } from '@phzzk/kit/errors';
import type { FailureCounter } from './failure-counter.ts';
import { checkNickname } from './nickname.ts';
import { checkPassword } from './password-policy.ts';
import type { PasswordHasher, PendingEvent, UserRepository } from './ports.ts';
import { type ProfileUpdateRequest, planProfileUpdate } from './profile-update.ts';
import { displayEmail, type LinkedIdentity, normalizeEmail, type User } from './user.ts';

export interface SocialIdentity {
  provider: string;
  subject: string;
  email: string;
  emailVerified: boolean;
}

/** NIST SP 800-63B: passwords are compared after Unicode normalization (NFKC). */
const prepare = (password: string) => password.normalize('NFKC');

const invalidCredentials = () =>
  new DomainError('unauthenticated', 'INVALID_CREDENTIALS', 'The email or password is incorrect.');

/**
 * The account use cases. Ports come in as arguments; the dummy hash is verified for unknown
 * emails so that "no such account" and "wrong password" cost the same time.
 */
export class Accounts {
  private readonly users: UserRepository;
  private readonly hasher: PasswordHasher;
  private readonly dummyHash: string;
  private readonly reauthFailures: FailureCounter;
  private readonly onEvent: () => void;

  constructor(deps: {
    users: UserRepository;
    hasher: PasswordHasher;
    dummyHash: string;
    reauthFailures: FailureCounter;
    /** Told after a change with an event was committed (the outbox relay publishes at once). */
    onEvent?: () => void;
  }) {
    this.users = deps.users;
    this.hasher = deps.hasher;
    this.dummyHash = deps.dummyHash;
    this.reauthFailures = deps.reauthFailures;
    this.onEvent = deps.onEvent ?? (() => {});
  }

  async get(id: string): Promise<User> {
    const user = await this.users.findById(id);
    if (!user) throw new DomainError('not-found', 'USER_NOT_FOUND', 'No user with that id');
    return user;
  }

  async getWithIdentities(id: string): Promise<{ user: User; identities: LinkedIdentity[] }> {
    const user = await this.get(id);
    return { user, identities: await this.users.identitiesOf(id) };
  }

  async create(input: { email: string; nickname: string; password: string; identity?: SocialIdentity }): Promise<User> {
    const email = displayEmail(input.identity?.email ?? input.email);
    if (input.identity && normalizeEmail(input.identity.email) !== normalizeEmail(input.email)) {
      throw new DomainError('invalid', 'EMAIL_MISMATCH', 'A social sign-up keeps the email given by the provider.');
    }
    if (input.identity && !input.identity.emailVerified) {
      throw new DomainError('forbidden', 'SOCIAL_EMAIL_UNVERIFIED', 'The provider has not verified this email.');
    }
    const nick = checkNickname(input.nickname);
    if (!nick.ok) throw new DomainError('invalid', 'INVALID_NICKNAME', nick.message, { reason: nick.reason });
    const verdict = checkPassword(input.password, { email, nickname: nick.nickname });
    if (!verdict.ok) throw new DomainError('invalid', 'WEAK_PASSWORD', verdict.message, { reason: verdict.reason });
    const id = uuidv7();
    const signupMethod = input.identity?.provider ?? 'password';
    const event: PendingEvent = {
      type: 'user.registered',
      data: { userId: id, email, nickname: nick.nickname, signupMethod },
    };
    const user = await this.users.create(
      {
        id,
        email,
        nickname: nick.nickname,
        passwordHash: await this.hasher.hash(prepare(input.password)),
        signupMethod,
        ...(input.identity ? { identity: { ...input.identity, email } } : {}),
      },
      event,
    );
    this.onEvent();
    return user;
  }

  async verifyCredentials(emailInput: string, password: string): Promise<User> {
    const user = await this.users.findWithCredentialByEmail(normalizeEmail(emailInput));
    const ok = await this.hasher.verify(user?.passwordHash ?? this.dummyHash, prepare(password));
    if (!user?.passwordHash || !ok) throw invalidCredentials();
    if (this.hasher.needsRehash(user.passwordHash)) {
      // Parameters were raised since this hash was made: upgrade it while the password is at hand.
      await this.users.update(user.id, { passwordHash: await this.hasher.hash(prepare(password)) }, undefined);
    }
    return user;
  }

  async updateProfile(id: string, request: ProfileUpdateRequest): Promise<User> {
    const user = await this.users.findWithCredentialById(id);
    if (!user) throw new DomainError('not-found', 'USER_NOT_FOUND', 'No user with that id');
    const plan = planProfileUpdate(user, request);
    if (plan.needsCurrentPassword) {
      const wait = this.reauthFailures.retryAfterSeconds(id);
      if (wait > 0) {
        throw new DomainError('rate-limited', 'TOO_MANY_ATTEMPTS', 'Too many wrong passwords; try again later.', {
          retryAfter: wait,
        });
      }
      const ok = await this.hasher.verify(user.passwordHash ?? this.dummyHash, prepare(request.currentPassword ?? ''));
      if (!ok || !user.passwordHash) {
        this.reauthFailures.fail(id);
        throw new DomainError('forbidden', 'CURRENT_PASSWORD_INVALID', 'The current password is incorrect.');
      }
      this.reauthFailures.reset(id);
    }
    if (plan.nickname === undefined && plan.email === undefined && plan.newPassword === undefined) return user;
    const changes = {
      ...(plan.nickname !== undefined ? { nickname: plan.nickname } : {}),
      ...(plan.email !== undefined ? { email: plan.email } : {}),
      ...(plan.newPassword !== undefined ? { passwordHash: await this.hasher.hash(prepare(plan.newPassword)) } : {}),
    };
    const visible = plan.nickname !== undefined || plan.email !== undefined;
    const event: PendingEvent | undefined = visible
      ? {
          type: 'user.updated',
          data: {
            userId: id,
            ...(plan.email !== undefined ? { email: plan.email } : {}),
            ...(plan.nickname !== undefined ? { nickname: plan.nickname } : {}),
          },
        }
      : undefined;
    const updated = await this.users.update(id, changes, event);
    if (event) this.onEvent();
    return updated;
  }

  async findByEmail(email: string): Promise<User> {
    const user = await this.users.findWithCredentialByEmail(normalizeEmail(email));
    if (!user) throw new DomainError('not-found', 'USER_NOT_FOUND', 'No account with that email');
    return user;
  }

  async findByIdentity(provider: string, subject: string): Promise<User> {
    const user = await this.users.findByIdentity(provider, subject);
    if (!user) throw new DomainError('not-found', 'USER_NOT_FOUND', 'No account linked to that identity');
    return user;
  }

  /** Links a provider identity to an account. Only a verified provider email may be linked by email. */
  async linkIdentity(userId: string, identity: SocialIdentity) {
    const user = await this.get(userId);
    if (!identity.emailVerified) {
      throw new DomainError(
        'forbidden',
        'SOCIAL_EMAIL_UNVERIFIED',
        'An unverified provider email is never linked to an account.',
      );
    }
    if (normalizeEmail(identity.email) !== normalizeEmail(user.email)) {
      throw new DomainError('conflict', 'EMAIL_MISMATCH', "The provider's email is not this account's email.");
    }
    return this.users.linkIdentity(userId, { ...identity, email: displayEmail(identity.email) });
  }
}
