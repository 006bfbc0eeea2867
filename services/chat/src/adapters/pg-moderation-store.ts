import type { ChatSettingsValue } from '@phzzk/contracts';
import type { Database } from '@phzzk/kit';
import type { BanRecord, ModerationStore, StoredRules } from '../domain/ports.ts';

type BanRow = {
  channel_id: string;
  user_id: string;
  until: Date | null;
  reason: string | null;
  moderator_id: string;
  created_at: Date;
};

const toBan = (r: BanRow): BanRecord => ({
  channelId: r.channel_id,
  userId: r.user_id,
  until: r.until,
  reason: r.reason,
  moderatorId: r.moderator_id,
  createdAt: r.created_at,
});

const ACTIVE = '(until is null or until > now())';

export class PgModerationStore implements ModerationStore {
  private readonly db: Database;

  constructor(db: Database) {
    this.db = db;
  }

  async load(channelId: string): Promise<StoredRules> {
    const [mods, bans, settings, terms] = await Promise.all([
      this.db.query<{ user_id: string }>('select user_id from moderators where channel_id = $1', [channelId]),
      this.db.query<{ user_id: string; until: Date | null }>(
        `select user_id, until from bans where channel_id = $1 and ${ACTIVE}`,
        [channelId],
      ),
      this.db.query<{ slow_mode_seconds: number; followers_only_minutes: number | null; emote_only: boolean }>(
        'select slow_mode_seconds, followers_only_minutes, emote_only from settings where channel_id = $1',
        [channelId],
      ),
      this.db.query<{ terms: string[] }>('select terms from blocked_terms where channel_id = $1', [channelId]),
    ]);
    const s = settings.rows[0];
    return {
      moderators: mods.rows.map((r) => r.user_id),
      bans: bans.rows.map((r) => ({ userId: r.user_id, until: r.until })),
      settings: s
        ? {
            slowModeSeconds: s.slow_mode_seconds as ChatSettingsValue['slowModeSeconds'],
            followersOnlyMinutes: s.followers_only_minutes,
            emoteOnly: s.emote_only,
          }
        : undefined,
      terms: terms.rows[0]?.terms ?? [],
    };
  }

  async listBans(channelId: string, afterUserId: string | undefined, limit: number): Promise<BanRecord[]> {
    const { rows } = await this.db.query<BanRow>(
      `select * from bans where channel_id = $1 and ${ACTIVE} and ($2::uuid is null or user_id > $2::uuid)
       order by user_id limit $3`,
      [channelId, afterUserId ?? null, limit],
    );
    return rows.map(toBan);
  }

  async banOf(channelId: string, userId: string): Promise<BanRecord | undefined> {
    const { rows } = await this.db.query<BanRow>(
      `select * from bans where channel_id = $1 and user_id = $2 and ${ACTIVE}`,
      [channelId, userId],
    );
    return rows[0] ? toBan(rows[0]) : undefined;
  }

  async putBan(ban: BanRecord): Promise<void> {
    await this.db.query(
      `insert into bans (channel_id, user_id, until, reason, moderator_id, created_at) values ($1, $2, $3, $4, $5, $6)
       on conflict (channel_id, user_id) do update set until = excluded.until, reason = excluded.reason,
         moderator_id = excluded.moderator_id, created_at = excluded.created_at`,
      [ban.channelId, ban.userId, ban.until, ban.reason, ban.moderatorId, ban.createdAt],
    );
  }

  async removeBan(channelId: string, userId: string): Promise<boolean> {
    const { rows } = await this.db.query<{ active: boolean }>(
      `delete from bans where channel_id = $1 and user_id = $2 returning ${ACTIVE} as active`,
      [channelId, userId],
    );
    return rows[0]?.active === true;
  }

  async listModerators(channelId: string): Promise<{ userId: string; appointedAt: Date }[]> {
    const { rows } = await this.db.query<{ user_id: string; appointed_at: Date }>(
      'select user_id, appointed_at from moderators where channel_id = $1 order by appointed_at, user_id',
      [channelId],
    );
    return rows.map((r) => ({ userId: r.user_id, appointedAt: r.appointed_at }));
  }

  async addModerator(channelId: string, userId: string): Promise<boolean> {
    const { rowCount } = await this.db.query(
      'insert into moderators (channel_id, user_id) values ($1, $2) on conflict do nothing',
      [channelId, userId],
    );
    return (rowCount ?? 0) > 0;
  }

  async removeModerator(channelId: string, userId: string): Promise<boolean> {
    const { rowCount } = await this.db.query('delete from moderators where channel_id = $1 and user_id = $2', [
      channelId,
      userId,
    ]);
    return (rowCount ?? 0) > 0;
  }

  async putSettings(channelId: string, s: ChatSettingsValue): Promise<void> {
    await this.db.query(
      `insert into settings (channel_id, slow_mode_seconds, followers_only_minutes, emote_only, updated_at)
       values ($1, $2, $3, $4, now())
       on conflict (channel_id) do update set slow_mode_seconds = excluded.slow_mode_seconds,
         followers_only_minutes = excluded.followers_only_minutes, emote_only = excluded.emote_only, updated_at = now()`,
      [channelId, s.slowModeSeconds, s.followersOnlyMinutes, s.emoteOnly],
    );
  }

  async putTerms(channelId: string, terms: string[]): Promise<void> {
    await this.db.query(
      `insert into blocked_terms (channel_id, terms, updated_at) values ($1, $2, now())
       on conflict (channel_id) do update set terms = excluded.terms, updated_at = now()`,
      [channelId, terms],
    );
  }

  async seqFloor(channelId: string): Promise<number> {
    const { rows } = await this.db.query<{ seq: string }>('select seq from seq_floors where channel_id = $1', [
      channelId,
    ]);
    return rows[0] ? Number(rows[0].seq) : 0;
  }

  async raiseSeqFloor(channelId: string, seq: number): Promise<void> {
    await this.db.query(
      `insert into seq_floors (channel_id, seq) values ($1, $2)
       on conflict (channel_id) do update set seq = greatest(seq_floors.seq, excluded.seq)`,
      [channelId, seq],
    );
  }

  async putNickname(userId: string, nickname: string, at: Date): Promise<void> {
    // Events of one user arrive in order (keyed by userId); the time guard makes a replay harmless.
    await this.db.query(
      `insert into nicknames (user_id, nickname, updated_at) values ($1, $2, $3)
       on conflict (user_id) do update set nickname = excluded.nickname, updated_at = excluded.updated_at
       where nicknames.updated_at <= excluded.updated_at`,
      [userId, nickname, at],
    );
  }

  async nickname(userId: string): Promise<string | undefined> {
    const { rows } = await this.db.query<{ nickname: string }>('select nickname from nicknames where user_id = $1', [
      userId,
    ]);
    return rows[0]?.nickname;
  }
}
