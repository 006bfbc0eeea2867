import type { StreamEndedData, StreamEndReason, StreamStartedData } from './ports.ts';
import {
  currentTracks,
  DEFAULT_START_TIMING,
  type MediaFacts,
  type StartTiming,
  type Tracks,
  tracksWhenReady,
} from './tracks.ts';

/** How the RTMP side says a publish ended (the media library's reasons). */
export type PublishEnd = 'unpublish' | 'disconnect' | 'timeout' | 'kicked' | 'error' | 'shutdown';

/** Why we end a publish ourselves. */
export type KickReason = 'key-rotated' | 'lock-lost' | 'shutdown';

export type SessionPhase = 'pending' | 'live' | 'ended';

/**
 * The contract reason for a publish end. A node shutting down closes the publisher's connection,
 * which the publisher sees (and reconnects after) as a disconnect; a lost lock is an error.
 */
export function streamEndReason(end: PublishEnd, kick: KickReason | undefined): StreamEndReason {
  if (end === 'shutdown' || kick === 'shutdown') return 'disconnect';
  if (kick === 'key-rotated') return 'key-rotated';
  if (kick === 'lock-lost' || end === 'kicked') return 'error';
  return end;
}

/**
 * One publish from acceptance to end: `pending` until the media is described, `live` once
 * stream.started is due, `ended` after. stream.ended is only due for a session that went live:
 * nobody downstream heard of one that did not.
 */
export class IngestSession {
  readonly sessionId: string;
  readonly channelId: string;
  readonly acceptedAt: Date;
  private phaseValue: SessionPhase = 'pending';
  private kickValue: KickReason | undefined;
  private tracksValue: Tracks = { video: null, audio: null, bitrateKbps: null };
  private readonly timing: StartTiming;

  constructor(init: { sessionId: string; channelId: string; acceptedAt: Date; timing?: StartTiming }) {
    this.sessionId = init.sessionId;
    this.channelId = init.channelId;
    this.acceptedAt = init.acceptedAt;
    this.timing = init.timing ?? DEFAULT_START_TIMING;
  }

  get phase(): SessionPhase {
    return this.phaseValue;
  }

  get kickReason(): KickReason | undefined {
    return this.kickValue;
  }

  /** The media as known now; follows mid-stream changes (a new resolution). */
  get tracks(): Tracks {
    return this.tracksValue;
  }

  /** Returns stream.started's data the one time the session goes live. */
  observe(facts: MediaFacts, where: { ingestNode: string; sourceUrl: string }): StreamStartedData | undefined {
    if (this.phaseValue === 'ended') return undefined;
    if (this.phaseValue === 'live') {
      this.tracksValue = currentTracks(facts);
      return undefined;
    }
    const tracks = tracksWhenReady(facts, this.timing);
    if (!tracks) return undefined;
    this.tracksValue = tracks;
    this.phaseValue = 'live';
    return {
      sessionId: this.sessionId,
      channelId: this.channelId,
      ingestNode: where.ingestNode,
      sourceUrl: where.sourceUrl,
      ...tracks,
      startedAt: this.acceptedAt.toISOString(),
    };
  }

  /** Records why we end it; the first reason wins. False when it already ended or is being kicked. */
  kick(reason: KickReason): boolean {
    if (this.phaseValue === 'ended' || this.kickValue) return false;
    this.kickValue = reason;
    return true;
  }

  /** Returns stream.ended's data when the session had gone live; undefined otherwise or again. */
  end(how: PublishEnd, at: Date): StreamEndedData | undefined {
    const wasLive = this.phaseValue === 'live';
    if (this.phaseValue === 'ended') return undefined;
    this.phaseValue = 'ended';
    if (!wasLive) return undefined;
    return {
      sessionId: this.sessionId,
      channelId: this.channelId,
      endedAt: at.toISOString(),
      reason: streamEndReason(how, this.kickValue),
    };
  }
}
