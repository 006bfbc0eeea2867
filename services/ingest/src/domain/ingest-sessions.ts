import { DEFAULT_LOCK_TIMING, keepAfterRenew, type LockTiming, type RenewOutcome } from './lock-policy.ts';
import { IngestSession, type PublishEnd, streamEndReason } from './ingest-session.ts';
import type {
  ChannelEventSink,
  IngestObserver,
  LiveLocks,
  Publisher,
  RejectionReason,
  StreamKeyAuthority,
} from './ports.ts';
import type { MediaFacts, StartTiming } from './tracks.ts';

export type PublishAsk = { app: string; streamKey: string };

/** An accepted publish waiting to be attached to its RTMP session. */
export interface Grant {
  readonly sessionId: string;
  readonly channelId: string;
}

export type Admission =
  | { allow: true; grant: Grant }
  | { allow: false; code: 'BadName' | 'Rejected'; reason: RejectionReason; description: string };

export interface IngestSessionsDeps {
  keys: StreamKeyAuthority;
  locks: LiveLocks;
  events: ChannelEventSink;
  observer: IngestObserver;
  ingestNode: string;
  /** Where a session's source is served; undefined while the HTTP side is not listening yet. */
  sourceUrl(sessionId: string): string | undefined;
  newSessionId(): string;
  now?: () => Date;
  /** The RTMP application publishers use (`rtmp://host/<app>/<key>`). */
  app?: string;
  lockTiming?: LockTiming;
  startTiming?: StartTiming;
  log?: { warn(fields: Record<string, unknown>, message: string): void };
}

type Entry = { session: IngestSession; publisher: Publisher; lastRenewedAt: number; renewing: boolean };
type GrantState = Grant & { attached: boolean };

// Keys are issued as `live_<hex>_<base64url>`; anything far outside that shape is not worth a lookup.
const KEY_SHAPE = /^[A-Za-z0-9_.~-]{1,512}$/;

const refuse = (code: 'BadName' | 'Rejected', reason: RejectionReason, description: string): Admission => ({
  allow: false,
  code,
  reason,
  description,
});

/**
 * The publishes on this node: who may publish (stream key, one publisher per channel), when a
 * session is live or ended and which event that makes, and when we end a publish ourselves
 * (key rotation, lost lock, shutdown). Ports do the I/O; this decides.
 */
export class IngestSessions {
  private readonly deps: IngestSessionsDeps;
  private readonly entries = new Map<string, Entry>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly now: () => Date;
  private readonly lockTiming: LockTiming;
  private closing = false;

  constructor(deps: IngestSessionsDeps) {
    this.deps = deps;
    this.now = deps.now ?? (() => new Date());
    this.lockTiming = deps.lockTiming ?? DEFAULT_LOCK_TIMING;
  }

  /** Decides a publish before any of its media is accepted; a reserved lock is freed on abort. */
  async admit(ask: PublishAsk, signal: AbortSignal): Promise<Admission> {
    const { deps } = this;
    if (this.closing) return this.rejected(refuse('Rejected', 'not-ready', 'ingest node is shutting down'));
    if (ask.app !== (deps.app ?? 'live')) {
      return this.rejected(refuse('Rejected', 'bad-app', `unknown application "${ask.app}"`));
    }
    if (!KEY_SHAPE.test(ask.streamKey)) return this.rejected(refuse('BadName', 'bad-key', 'unknown stream key'));
    if (deps.sourceUrl('probe') === undefined) {
      return this.rejected(refuse('Rejected', 'not-ready', 'ingest node is not ready'));
    }
    const check = await deps.keys.authorize(ask.streamKey, signal);
    if (check.kind === 'unknown') return this.rejected(refuse('BadName', 'unknown-key', 'unknown stream key'));
    if (check.kind === 'unavailable') {
      deps.log?.warn({ detail: check.detail }, 'stream key could not be checked; publish rejected');
      return this.rejected(refuse('Rejected', 'channel-unavailable', 'stream key cannot be checked right now'));
    }
    const grant: GrantState = { sessionId: deps.newSessionId(), channelId: check.channelId, attached: false };
    let acquired: boolean;
    try {
      acquired = await deps.locks.acquire(grant.channelId, grant.sessionId);
    } catch (error) {
      // The SET may still land after we gave up: free it, or the channel stays blocked for a TTL.
      this.release(grant);
      deps.log?.warn({ err: error, channelId: grant.channelId }, 'live lock not available; publish rejected');
      return this.rejected(refuse('Rejected', 'lock-unavailable', 'publish cannot be accepted right now'));
    }
    if (!acquired) return this.rejected(refuse('BadName', 'already-live', 'this channel is already live'));
    // The connection may go away between here and attach(): then nobody will end this session.
    const onAbort = () => {
      if (!grant.attached) this.release(grant);
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    return { allow: true, grant };
  }

  /** The RTMP side accepted the publish: from now on the session lives until ended() is called. */
  attach(grant: Grant, publisher: Publisher): IngestSession {
    (grant as GrantState).attached = true;
    const session = new IngestSession({
      sessionId: grant.sessionId,
      channelId: grant.channelId,
      acceptedAt: this.now(),
      ...(this.deps.startTiming ? { timing: this.deps.startTiming } : {}),
    });
    this.entries.set(session.sessionId, { session, publisher, lastRenewedAt: Date.now(), renewing: false });
    if (this.closing && session.kick('shutdown')) publisher.kick('ingest node is shutting down');
    return session;
  }

  /** New facts about the media; emits stream.started the first time they suffice. */
  observe(sessionId: string, facts: MediaFacts): void {
    const entry = this.entries.get(sessionId);
    const sourceUrl = this.deps.sourceUrl(sessionId);
    if (!entry || sourceUrl === undefined) return;
    const started = entry.session.observe(facts, { ingestNode: this.deps.ingestNode, sourceUrl });
    if (started) this.deps.events.started(started);
  }

  /** The publish ended (any way); emits stream.ended for a live session and frees the channel. */
  ended(sessionId: string, how: PublishEnd): void {
    const entry = this.entries.get(sessionId);
    if (!entry) return;
    this.entries.delete(sessionId);
    const { session } = entry;
    this.deps.observer.ended(streamEndReason(how, session.kickReason));
    const data = session.end(how, this.now());
    if (data) this.deps.events.ended(data);
    this.release(session);
  }

  /** A channel's stream key was rotated: its publish here (if any) must stop. */
  rotated(channelId: string): number {
    let kicked = 0;
    for (const { session, publisher } of [...this.entries.values()]) {
      if (session.channelId !== channelId || !session.kick('key-rotated')) continue;
      kicked++;
      publisher.kick('stream key rotated');
    }
    return kicked;
  }

  /** Renews every session's lock once; ends sessions whose lock is gone or can no longer be vouched for. */
  async renewLocks(): Promise<void> {
    await Promise.all(
      [...this.entries.values()].map(async (entry) => {
        if (entry.renewing) return;
        entry.renewing = true;
        const { session } = entry;
        let outcome: RenewOutcome;
        try {
          outcome = await this.deps.locks.renew(session.channelId, session.sessionId);
        } catch {
          outcome = 'failed';
        } finally {
          entry.renewing = false;
        }
        const now = Date.now();
        if (outcome === 'renewed') entry.lastRenewedAt = now;
        if (keepAfterRenew(outcome, entry.lastRenewedAt, now, this.lockTiming)) return;
        if (!this.entries.has(session.sessionId) || !session.kick('lock-lost')) return;
        this.deps.log?.warn({ sessionId: session.sessionId, channelId: session.channelId, outcome }, 'live lock lost');
        entry.publisher.kick('lost the channel lock');
      }),
    );
  }

  /** Refuses new publishes from now on; ending the live ones is the RTMP server's close. */
  beginShutdown(): void {
    this.closing = true;
  }

  /** Resolves when lock releases started so far are done (shutdown waits on it). */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  get(sessionId: string): IngestSession | undefined {
    return this.entries.get(sessionId)?.session;
  }

  list(): IngestSession[] {
    return [...this.entries.values()].map((e) => e.session);
  }

  private rejected(admission: Admission): Admission {
    if (!admission.allow) this.deps.observer.rejected(admission.reason);
    return admission;
  }

  private release(grant: Grant): void {
    const work = this.deps.locks.release(grant.channelId, grant.sessionId).catch((error: unknown) => {
      // Not fatal: the lock expires within its TTL.
      this.deps.log?.warn({ err: error, channelId: grant.channelId }, 'live lock release failed');
    });
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }
}
