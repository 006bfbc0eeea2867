import { type Database, enqueueOutboxEvent, withTransaction } from '@phzzk/kit';
import type { PoolClient } from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { DomainError } from '@phzzk/kit/errors';
import { nicknameSkeleton } from '../domain/nickname-skeleton.ts';
import type { AccountChanges, NewAccount, PendingEvent, UserRepository } from '../domain/ports.ts';
import {
  type LinkedIdentity,
  normalizeEmail,
  normalizeNickname,
  type User,
  type UserWithCredential,
} from '../domain/user.ts';

type Row = {
  id: string;
  email: string;
  nickname: string;
  signup_method: string;
  roles: string[];
  email_verified_at: Date | null;
  password_hash: string | null;
  created_at: Date;
  updated_at: Date;
};

const COLUMNS =
  'u.id, u.email, u.nickname, u.signup_method, u.roles, u.email_verified_at, u.password_hash, u.created_at, u.updated_at';

const toUser = (r: Row): UserWithCredential => ({
  id: r.id,
  email: r.email,
  nickname: r.nickname,
  signupMethod: r.signup_method,
  roles: r.roles,
  emailVerified: r.email_verified_at !== null,
  passwordHash: r.password_hash,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** Never hand a password hash to code that does not check credentials. */
const withoutCredential = ({ passwordHash: _hidden, ...user }: UserWithCredential): User => user;

/** Unique violations are the database's answer to a race two checks could not close. */
function conflictFrom(error: unknown): never {
  const e = error as { code?: string; constraint?: string };
  if (e.code === '23505') {
    switch (e.constraint) {
      case 'users_email_normalized_key':
        throw new DomainError('conflict', 'EMAIL_TAKEN', 'An account with this email already exists.');
      case 'users_nickname_normalized_key':
        throw new DomainError('conflict', 'NICKNAME_TAKEN', 'This nickname is taken.');
      case 'users_nickname_skeleton_key':
        throw new DomainError(
          'conflict',
          'NICKNAME_CONFUSABLE',
          'This nickname looks like one that is taken (the same letters from another script or look-alike characters).',
        );
      case 'social_identities_pkey':
        throw new DomainError('conflict', 'IDENTITY_TAKEN', 'This social account is linked to another user.');
      case 'social_identities_user_provider':
        throw new DomainError(
          'conflict',
          'PROVIDER_ALREADY_LINKED',
          'Another account of this provider is linked already.',
        );
    }
  }
  throw error;
}

export class PgUserRepository implements UserRepository {
  private readonly db: Database;

  constructor(db: Database) {
    this.db = db;
  }

  /**
   * Gives the rows from before the skeleton column theirs. Of two old look-alikes, the older
   * account keeps the skeleton and the other stays without one (it keeps its name; a new
   * look-alike of it is refused by the older one's skeleton). Returns how many were filled.
   */
  async backfillSkeletons(): Promise<number> {
    const { rows } = await this.db.query<{ id: string; nickname: string }>(
      'select id, nickname from users where nickname_skeleton is null order by created_at limit 10000',
    );
    let filled = 0;
    for (const row of rows) {
      const result = await this.db
        .query(
          `update users set nickname_skeleton = $2 where id = $1 and nickname_skeleton is null
             and not exists (select 1 from users where nickname_skeleton = $2)`,
          [row.id, nicknameSkeleton(row.nickname)],
        )
        .catch(() => ({ rowCount: 0 }));
      filled += result.rowCount ?? 0;
    }
    return filled;
  }

  private async one(where: string, params: unknown[], from = 'users u'): Promise<UserWithCredential | undefined> {
    const { rows } = await this.db.query<Row>(`select ${COLUMNS} from ${from} where ${where}`, params);
    return rows[0] ? toUser(rows[0]) : undefined;
  }

  async findById(id: string): Promise<User | undefined> {
    const user = await this.one('u.id = $1', [id]);
    return user && withoutCredential(user);
  }

  findWithCredentialById(id: string): Promise<UserWithCredential | undefined> {
    return this.one('u.id = $1', [id]);
  }

  findWithCredentialByEmail(emailNormalized: string): Promise<UserWithCredential | undefined> {
    return this.one('u.email_normalized = $1', [emailNormalized]);
  }

  async findByIdentity(provider: string, subject: string): Promise<User | undefined> {
    const user = await this.one(
      's.provider = $1 and s.subject = $2',
      [provider, subject],
      'users u join social_identities s on s.user_id = u.id',
    );
    return user && withoutCredential(user);
  }

  async identitiesOf(userId: string): Promise<LinkedIdentity[]> {
    const { rows } = await this.db.query<{
      provider: string;
      subject: string;
      email: string | null;
      email_verified: boolean;
      linked_at: Date;
    }>(
      'select provider, subject, email, email_verified, linked_at from social_identities where user_id = $1 order by linked_at',
      [userId],
    );
    return rows.map((r) => ({
      provider: r.provider,
      subject: r.subject,
      email: r.email,
      emailVerified: r.email_verified,
      linkedAt: r.linked_at,
    }));
  }

  private async enqueue(client: PoolClient, event: PendingEvent): Promise<void> {
    await enqueueOutboxEvent(client, event.type, uuidv7(), event.data as Record<string, unknown>);
  }

  async create(account: NewAccount, event: PendingEvent): Promise<User> {
    try {
      return await withTransaction(this.db, async (client) => {
        const { rows } = await client.query<Row>(
          `insert into users as u (id, email, email_normalized, nickname, nickname_normalized, nickname_skeleton,
             password_hash, signup_method, email_verified_at, password_changed_at)
           values ($1, $2, $3, $4, $5, $9, $6, $7, $8, now())
           returning ${COLUMNS}`,
          [
            account.id,
            account.email,
            normalizeEmail(account.email),
            account.nickname,
            normalizeNickname(account.nickname),
            account.passwordHash,
            account.signupMethod,
            account.identity?.emailVerified ? new Date() : null,
            nicknameSkeleton(account.nickname),
          ],
        );
        if (account.identity) {
          const { provider, subject, email, emailVerified } = account.identity;
          await client.query(
            'insert into social_identities (provider, subject, user_id, email, email_verified) values ($1, $2, $3, $4, $5)',
            [provider, subject, account.id, email, emailVerified],
          );
        }
        await this.enqueue(client, event);
        return withoutCredential(toUser(rows[0]!));
      });
    } catch (error) {
      conflictFrom(error);
    }
  }

  async update(id: string, changes: AccountChanges, event: PendingEvent | undefined): Promise<User> {
    const sets: string[] = ['updated_at = now()'];
    const params: unknown[] = [id];
    const set = (sql: string, value: unknown) => {
      params.push(value);
      sets.push(sql.replaceAll('$?', `$${params.length}`));
    };
    if (changes.email !== undefined) {
      set('email = $?', changes.email);
      set('email_normalized = $?', normalizeEmail(changes.email));
      // A new email is unproven until a provider (or a future verification mail) vouches for it.
      sets.push('email_verified_at = null');
    }
    if (changes.nickname !== undefined) {
      set('nickname = $?', changes.nickname);
      set('nickname_normalized = $?', normalizeNickname(changes.nickname));
      set('nickname_skeleton = $?', nicknameSkeleton(changes.nickname));
    }
    if (changes.passwordHash !== undefined) {
      set('password_hash = $?', changes.passwordHash);
      sets.push('password_changed_at = now()');
    }
    try {
      return await withTransaction(this.db, async (client) => {
        const { rows } = await client.query<Row>(
          `update users as u set ${sets.join(', ')} where id = $1 returning ${COLUMNS}`,
          params,
        );
        if (!rows[0]) throw new DomainError('not-found', 'USER_NOT_FOUND', 'No user with that id');
        if (event) await this.enqueue(client, event);
        return withoutCredential(toUser(rows[0]));
      });
    } catch (error) {
      conflictFrom(error);
    }
  }

  async linkIdentity(
    userId: string,
    identity: { provider: string; subject: string; email: string; emailVerified: boolean },
  ): Promise<{ user: User; emailNewlyVerified: boolean }> {
    try {
      return await withTransaction(this.db, async (client) => {
        // Linking the same identity again is a no-op (a repeated social login); anything else conflicts.
        await client.query(
          `insert into social_identities (provider, subject, user_id, email, email_verified)
           values ($1, $2, $3, $4, $5)
           on conflict (provider, subject) do update set email = excluded.email, email_verified = excluded.email_verified
           where social_identities.user_id = excluded.user_id`,
          [identity.provider, identity.subject, userId, identity.email, identity.emailVerified],
        );
        const owner = await client.query<{ user_id: string }>(
          'select user_id from social_identities where provider = $1 and subject = $2',
          [identity.provider, identity.subject],
        );
        if (owner.rows[0]?.user_id !== userId) {
          throw new DomainError('conflict', 'IDENTITY_TAKEN', 'This social account is linked to another user.');
        }
        const before = await client.query<{ email_verified_at: Date | null }>(
          'select email_verified_at from users where id = $1 for update',
          [userId],
        );
        const newly = identity.emailVerified && before.rows[0]?.email_verified_at === null;
        const { rows } = await client.query<Row>(
          `update users as u set email_verified_at = coalesce(email_verified_at, case when $2 then now() end)
           where id = $1 returning ${COLUMNS}`,
          [userId, identity.emailVerified],
        );
        return { user: withoutCredential(toUser(rows[0]!)), emailNewlyVerified: newly };
      });
    } catch (error) {
      conflictFrom(error);
    }
  }
}
