import type { AnyTopic } from '@phzzk/contracts';
import type { EventProducer } from '../kafka/event-producer.ts';
import type { Logger } from '../logging/logger.ts';
import type { Database } from './database.ts';

type OutboxRow = { id: string; event_id: string; event_type: string; data: never };

/**
 * The transactional outbox: a service writes its events to the `outbox` table (kit's `outbox`
 * migration) in the same transaction as the change, and this relay publishes them to the topic in
 * commit order, then deletes them (a published row is never kept). One relay at a time across
 * instances (a session advisory lock) keeps an entity's events in order; a failed send leaves the
 * row for the next round with the same event id, so consumers can drop a duplicate.
 */
export class OutboxRelay {
  private readonly db: Database;
  private readonly producer: Pick<EventProducer, 'publish'>;
  private readonly logger: Logger;
  private readonly lockKey: string;
  private readonly topic: AnyTopic;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private lastError: string | undefined;

  constructor(options: {
    db: Database;
    producer: Pick<EventProducer, 'publish'>;
    logger: Logger;
    schema: string;
    topic: AnyTopic;
  }) {
    this.topic = options.topic;
    this.db = options.db;
    this.producer = options.producer;
    this.logger = options.logger;
    this.lockKey = `phzzk-outbox:${options.schema}`;
  }

  start(intervalMs = 1000): void {
    this.timer = setInterval(() => this.kick(), intervalMs);
    this.timer.unref();
    this.kick();
  }

  /** Publish now (called after a commit that queued an event). */
  kick(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.flush()
      .catch((error) => {
        this.lastError = (error as Error).message;
        this.logger.warn({ err: error }, 'outbox relay round failed');
      })
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  private async flush(): Promise<void> {
    const client = await this.db.connect();
    try {
      const { rows: lock } = await client.query<{ ok: boolean }>('select pg_try_advisory_lock(hashtext($1)) as ok', [
        this.lockKey,
      ]);
      if (!lock[0]?.ok) return;
      try {
        for (;;) {
          const { rows } = await client.query<OutboxRow>(
            'select id, event_id, event_type, data from outbox order by id limit 100',
          );
          for (const row of rows) {
            await this.producer.publish(this.topic, row.event_type as never, row.data, { id: row.event_id });
            await client.query('delete from outbox where id = $1', [row.id]);
          }
          this.lastError = undefined;
          if (rows.length < 100) break;
        }
      } finally {
        await client.query('select pg_advisory_unlock(hashtext($1))', [this.lockKey]);
      }
    } finally {
      client.release();
    }
  }

  /** Health: events waiting longer than 30 s mean Kafka has been away that long. */
  async backlog(): Promise<{ ok: boolean; detail: string }> {
    const { rows } = await this.db.query<{ n: string; oldest: Date | null }>(
      'select count(*) as n, min(created_at) as oldest from outbox',
    );
    const n = Number(rows[0]?.n ?? 0);
    const ageMs = rows[0]?.oldest ? Date.now() - rows[0].oldest.getTime() : 0;
    const ok = ageMs < 30_000;
    return {
      ok,
      detail: `${n} events waiting${n > 0 ? `, oldest ${Math.round(ageMs / 1000)} s` : ''}${this.lastError ? `; last error: ${this.lastError}` : ''}`,
    };
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
