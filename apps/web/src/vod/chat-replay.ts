// The broadcast's chat beside a VOD: fetched from the caching service's replay route in windows
// as playback advances (never the whole broadcast at once), and shown up to the playback position.
// Framework-free: the component asks `next(position, edge)` what to fetch, hands answers to
// `accept`, and renders `visible(position)`.

/** One message of `GET /api/chat/{channelId}/replay` (the fields the panel shows). */
export interface ReplayMessage {
  seq: number;
  messageId: string;
  user: { id: string; nickname: string };
  text: string;
  offsetSeconds: number;
}

export interface ReplayAnswer {
  items: readonly ReplayMessage[];
  /** Where to continue when the window held more than one answer carries; null otherwise. */
  nextFromSeconds: number | null;
}

export interface ReplayRequest {
  fromSeconds: number;
  toSeconds: number;
  /** Answers to a request of an earlier generation (before a seek) are dropped. */
  generation: number;
}

export interface ReplayWindowOptions {
  /** Seconds of chat one request asks for. */
  windowSeconds?: number;
  /** Fetch the next window when fewer seconds than this are loaded ahead of the position. */
  aheadSeconds?: number;
  /** After a seek, also load this much chat before the new position (so the panel is not empty). */
  backfillSeconds?: number;
  /** Most messages kept and shown. */
  maxMessages?: number;
}

/**
 * The loaded span of chat `[from, to)` around the playback position, grown one window at a time
 * ahead of it; a seek outside the span starts a new one (a new generation).
 */
export class ReplayWindow {
  private readonly windowSeconds: number;
  private readonly aheadSeconds: number;
  private readonly backfillSeconds: number;
  private readonly maxMessages: number;
  private span: { from: number; to: number } | undefined;
  private pending: ReplayRequest | undefined;
  private generation = 0;
  private messages: ReplayMessage[] = [];
  private readonly seen = new Set<number>();

  constructor(options: ReplayWindowOptions = {}) {
    this.windowSeconds = options.windowSeconds ?? 60;
    this.aheadSeconds = options.aheadSeconds ?? 20;
    this.backfillSeconds = options.backfillSeconds ?? 30;
    this.maxMessages = options.maxMessages ?? 300;
  }

  /**
   * What to fetch now for playback at `position` (seconds on the chat's clock), with chat known up
   * to `edge` (the VOD's duration; it grows while the broadcast is recorded); undefined when
   * nothing is needed or a request is in flight.
   */
  next(position: number, edge: number): ReplayRequest | undefined {
    if (!Number.isFinite(position) || position < 0) return undefined;
    const span = this.span;
    if (!span || position < span.from || position > span.to + 1) {
      // First load, or a seek outside what is loaded: start again around the position.
      this.generation++;
      this.messages = [];
      this.seen.clear();
      const from = Math.max(0, position - this.backfillSeconds);
      this.span = { from, to: from };
      this.pending = undefined;
    }
    if (this.pending) return undefined;
    const { to } = this.span!;
    if (to >= edge || to - position >= this.aheadSeconds) return undefined;
    const request = {
      fromSeconds: to,
      toSeconds: Math.min(edge, to + this.windowSeconds),
      generation: this.generation,
    };
    if (request.toSeconds <= request.fromSeconds) return undefined;
    this.pending = request;
    return request;
  }

  /** An answer to `request`: its messages join the span, which then reaches where the answer ends. */
  accept(request: ReplayRequest, answer: ReplayAnswer): void {
    if (request.generation !== this.generation || !this.span) return;
    this.pending = undefined;
    for (const message of answer.items) {
      if (this.seen.has(message.seq)) continue;
      this.seen.add(message.seq);
      this.messages.push(message);
    }
    this.messages.sort((a, b) => a.offsetSeconds - b.offsetSeconds || a.seq - b.seq);
    if (this.messages.length > this.maxMessages * 2) {
      const dropped = this.messages.splice(0, this.messages.length - this.maxMessages * 2);
      for (const m of dropped) this.seen.delete(m.seq);
    }
    const truncatedAt = answer.nextFromSeconds;
    this.span.to =
      truncatedAt !== null && truncatedAt > request.fromSeconds && truncatedAt < request.toSeconds
        ? truncatedAt
        : request.toSeconds;
  }

  /** A failed request: asked again on the next `next`. */
  failed(request: ReplayRequest): void {
    if (request.generation === this.generation) this.pending = undefined;
  }

  /** The messages sent up to `position`, the last `maxMessages` of them, oldest first. */
  visible(position: number): ReplayMessage[] {
    let end = 0;
    while (end < this.messages.length && this.messages[end]!.offsetSeconds <= position) end++;
    return this.messages.slice(Math.max(0, end - this.maxMessages), end);
  }
}

/**
 * The chat's clock (seconds since the session started, as replay offsets are) at a playback
 * position: from the segment's program date-time when the playlist carries one (the media starts
 * a little after the session does), else the position itself.
 */
export function chatClockAt(position: number, playingDateMs: number | null, sessionStartedMs: number): number {
  if (playingDateMs !== null && Number.isFinite(playingDateMs) && Number.isFinite(sessionStartedMs)) {
    return Math.max(0, (playingDateMs - sessionStartedMs) / 1000);
  }
  return Math.max(0, position);
}
