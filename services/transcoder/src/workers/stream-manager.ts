import { sleep, type Logger } from '@phzzk/kit';
import { type ClaimPolicy, decideClaims, type LocalStream } from '../domain/claims.ts';
import type { TranscodeSession } from '../domain/transcode-session.ts';
import type { Leases, SessionStore, TranscoderMetrics } from '../domain/ports.ts';
import type { TranscodingStream } from './transcoding-stream.ts';

export interface StreamManagerOptions {
  store: SessionStore;
  leases: Leases;
  /** Builds (not starts) the stream for a session this instance now holds. */
  createStream(session: TranscodeSession): Promise<TranscodingStream>;
  metrics: TranscoderMetrics;
  logger: Logger;
  leaseMs: number;
  claimIntervalMs: number;
  renewIntervalMs: number;
  /** How long a finished stream is still served (players fetch its EXT-X-ENDLIST). */
  lingerMs: number;
  policy: ClaimPolicy;
}

/**
 * The claim loop and the leases: every instance looks at the sessions hash every claimIntervalMs,
 * claims sessions nobody holds (SET NX PX), renews what it holds every renewIntervalMs, finishes
 * what left the hash, and drops at once what it no longer holds.
 */
export class StreamManager {
  private readonly o: StreamManagerOptions;
  private readonly streams = new Map<string, TranscodingStream>();
  private readonly rejected = new Set<string>();
  private readonly lingering = new Map<string, NodeJS.Timeout>();
  private readonly abort = new AbortController();
  private loops: Promise<void>[] = [];
  private tick = 0;
  private lastError: string | undefined;
  private lastTickAt = 0;

  constructor(options: StreamManagerOptions) {
    this.o = options;
  }

  start(): void {
    if (this.loops.length > 0) return;
    this.loops = [
      this.every(this.o.claimIntervalMs, () => this.claimTick()),
      this.every(this.o.renewIntervalMs, () => this.renewTick()),
    ];
  }

  /** The stream this instance serves for a stream (live, finishing, or finished and lingering). */
  get(channelId: string): TranscodingStream | undefined {
    return this.streams.get(channelId);
  }

  get liveCount(): number {
    return [...this.streams.values()].filter((c) => c.phase === 'live').length;
  }

  list() {
    return [...this.streams.values()].map((c) => c.info());
  }

  healthy(): { ok: boolean; detail?: string } {
    const stale = Date.now() - this.lastTickAt > Math.max(5000, 10 * this.o.claimIntervalMs);
    if (stale) return { ok: false, detail: `claim loop not running${this.lastError ? `: ${this.lastError}` : ''}` };
    return { ok: true, detail: `${this.liveCount} live stream(s)` };
  }

  /** Shutdown: stop claiming, stop every ffmpeg, hand leases back so another instance continues at once. */
  async close(): Promise<void> {
    this.abort.abort();
    await Promise.all(this.loops);
    for (const timer of this.lingering.values()) clearTimeout(timer);
    await Promise.all(
      [...this.streams].map(async ([channelId, stream]) => {
        if (stream.phase === 'live' || stream.phase === 'ending') await stream.abandon();
        await this.o.leases.release(channelId).catch(() => false);
      }),
    );
    this.streams.clear();
  }

  private async every(intervalMs: number, work: () => Promise<void>): Promise<void> {
    while (!this.abort.signal.aborted) {
      try {
        await work();
      } catch (error) {
        this.lastError = (error as Error).message;
        this.o.logger.warn({ err: error }, 'transcoder claim/renew loop failed');
      }
      await sleep(intervalMs, this.abort.signal);
    }
  }

  private async claimTick(): Promise<void> {
    const sessions = (await this.o.store.all()).filter((s) => !this.rejected.has(s.sessionId));
    this.lastTickAt = Date.now();
    this.lastError = undefined;
    const local = new Map<string, LocalStream>(
      [...this.streams].map(([id, c]) => [id, { sessionId: c.session.sessionId, phase: c.phase }]),
    );
    for (const action of decideClaims(sessions, local, this.tick++, this.o.policy)) {
      if (this.abort.signal.aborted) return;
      if (action.type === 'finish') void this.finish(action.channelId, action.reason);
      else await this.claim(action.session);
    }
  }

  private async claim(session: TranscodeSession): Promise<void> {
    const { channelId } = session;
    const result = await this.o.leases.claim(channelId, this.o.leaseMs);
    if (result === 'held') return;
    let stream: TranscodingStream;
    try {
      stream = await this.o.createStream(session);
    } catch (error) {
      this.rejected.add(session.sessionId);
      this.o.logger.error({ err: error, channelId, sessionId: session.sessionId }, 'cannot transcode this session');
      await this.o.leases.release(channelId);
      return;
    }
    if (this.abort.signal.aborted) return;
    clearTimeout(this.lingering.get(channelId));
    this.lingering.delete(channelId);
    this.streams.set(channelId, stream);
    stream.start();
    this.o.metrics.claims.inc({ result: stream.resume.resumed ? 'resumed' : 'acquired' });
    this.o.logger.info(
      { channelId, sessionId: session.sessionId, lease: result, resume: stream.resume },
      'claimed live session',
    );
  }

  private async finish(channelId: string, reason: string): Promise<void> {
    const stream = this.streams.get(channelId);
    if (stream?.phase !== 'live') return;
    this.o.logger.info({ channelId, sessionId: stream.session.sessionId, reason }, 'live session over; finishing');
    try {
      await stream.finish();
    } catch (error) {
      this.o.logger.error({ err: error, channelId }, 'finishing the stream failed');
    }
    // Keep serving the ended playlists for a moment; the lease (which routes players here) expires with it.
    await this.o.leases.renew(channelId, this.o.lingerMs).catch(() => false);
    const timer = setTimeout(() => {
      this.lingering.delete(channelId);
      if (this.streams.get(channelId) === stream) this.streams.delete(channelId);
    }, this.o.lingerMs);
    timer.unref();
    this.lingering.set(channelId, timer);
  }

  private async renewTick(): Promise<void> {
    await Promise.all(
      [...this.streams].map(async ([channelId, stream]) => {
        if (stream.phase !== 'live' && stream.phase !== 'ending') return;
        let held: boolean | undefined;
        try {
          held = await this.o.leases.renew(channelId, this.o.leaseMs);
        } catch (error) {
          // Unknown: after a lease period without a renewal it has expired anyway.
          if (Date.now() - stream.lastRenewedAt <= this.o.leaseMs) return;
          this.o.logger.warn({ err: error, channelId }, 'lease not renewed in time');
          held = false;
        }
        if (held) {
          stream.lastRenewedAt = Date.now();
          return;
        }
        if (this.streams.get(channelId) !== stream) return;
        this.streams.delete(channelId);
        this.o.metrics.claims.inc({ result: 'lost' });
        this.o.logger.warn({ channelId, sessionId: stream.session.sessionId }, 'lease lost; stopping this copy');
        await stream.abandon();
      }),
    );
  }
}
