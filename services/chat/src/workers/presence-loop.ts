import type { Logger } from '@phzzk/kit';
import type { PresenceSink } from '../domain/ports.ts';
import type { PresenceTracker } from '../domain/presence.ts';

export interface PresenceLoopOptions {
  tracker: PresenceTracker;
  sink: PresenceSink;
  node: string;
  /** How often joins and leaves are flushed. */
  flushMs: number;
  /** How often each channel's full snapshot is published (members not in a newer one left). */
  snapshotMs: number;
  logger: Logger;
}

/**
 * Presence on chat.presence, batched: joins and leaves every `flushMs` (a join and leave within one
 * batch cancel), and every `snapshotMs` one snapshot per channel with this node's members and
 * anonymous count, valid three periods, so a node that dies stops counting on its own.
 */
export class PresenceLoop {
  private readonly options: PresenceLoopOptions;
  private flushTimer: NodeJS.Timeout | undefined;
  private snapshotTimer: NodeJS.Timeout | undefined;
  /** Channels that had someone at the last snapshot: they get one empty snapshot when emptied. */
  private lastChannels = new Set<string>();

  constructor(options: PresenceLoopOptions) {
    this.options = options;
  }

  start(): void {
    this.flushTimer = setInterval(() => void this.flush(), this.options.flushMs);
    this.flushTimer.unref();
    this.snapshotTimer = setInterval(() => void this.snapshots(), this.options.snapshotMs);
    this.snapshotTimer.unref();
  }

  async flush(): Promise<void> {
    const { tracker, sink, node, logger } = this.options;
    const { joins, leaves } = tracker.drain();
    const at = new Date().toISOString();
    const sends = [
      ...joins.map((j) => sink.publish('join', { channelId: j.channelId, node, member: memberOf(j.member), at })),
      ...leaves.map((l) => sink.publish('leave', { channelId: l.channelId, node, userId: l.userId, at })),
    ];
    const failed = (await Promise.allSettled(sends)).filter((r) => r.status === 'rejected').length;
    if (failed > 0) logger.warn({ failed }, 'presence events not published (the next snapshot corrects them)');
  }

  async snapshots(): Promise<void> {
    const { tracker, sink, node, snapshotMs, logger } = this.options;
    const channels = new Set(tracker.channelIds());
    const at = new Date().toISOString();
    const ttlSeconds = Math.min(3600, Math.max(1, Math.ceil((snapshotMs * 3) / 1000)));
    const sends = [...new Set([...channels, ...this.lastChannels])].map((channelId) => {
      const { members, anonymous } = tracker.snapshot(channelId);
      return sink.publish('presence.snapshot', {
        channelId,
        node,
        members: members.map(memberOf),
        anonymous,
        ttlSeconds,
        at,
      });
    });
    this.lastChannels = channels;
    const failed = (await Promise.allSettled(sends)).filter((r) => r.status === 'rejected').length;
    if (failed > 0) logger.warn({ failed }, 'presence snapshots not published');
  }

  stop(): void {
    clearInterval(this.flushTimer);
    clearInterval(this.snapshotTimer);
  }
}

const memberOf = (m: { userId: string; nickname: string; role: string }) => ({
  userId: m.userId,
  nickname: m.nickname,
  role: m.role,
});
