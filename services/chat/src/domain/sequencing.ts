// A channel's events are numbered 1, 2, 3, ... in the channel's log. A node receives them from a
// lossy, possibly duplicating feed and must hand them to its clients in order, without gaps or
// duplicates; a (re)connecting client gets history that meets the live feed exactly.

export type ChannelEventKind = 'message' | 'deleted' | 'cleared' | 'settings' | 'moderation';

/** One event of a channel's log as a node holds it: its seq, kind and encoded frame. */
export interface LoggedEvent {
  seq: number;
  kind: ChannelEventKind;
  /** The event's WebSocket frame, JSON, ready to send. */
  frame: string;
}

/** The frame a client receives, built from the stored body (`{…}` without type and seq), unparsed. */
export function frameOf(kind: ChannelEventKind, seq: number, body: string): string {
  return body.length <= 2 ? `{"type":"${kind}","seq":${seq}}` : `{"type":"${kind}","seq":${seq},${body.slice(1)}`;
}

/** Puts events arriving out of order (or twice) back in seq order; reports what is missing. */
export class SeqOrder<T> {
  private last: number;
  private readonly held = new Map<number, T>();

  constructor(lastSeq: number) {
    this.last = lastSeq;
  }

  get lastSeq(): number {
    return this.last;
  }

  /** Accepts one event; returns those now deliverable, in order (none for a duplicate). */
  offer(seq: number, item: T): T[] {
    if (seq <= this.last || this.held.has(seq)) return [];
    this.held.set(seq, item);
    return this.drain();
  }

  /** The range missing before the earliest held event, if any is held. */
  missing(): { from: number; to: number } | undefined {
    if (this.held.size === 0) return undefined;
    let min = Number.POSITIVE_INFINITY;
    for (const seq of this.held.keys()) if (seq < min) min = seq;
    return { from: this.last + 1, to: min - 1 };
  }

  /** Gives up on events that can no longer be had: continues after `seq`. */
  skipTo(seq: number): T[] {
    if (seq > this.last) {
      for (const held of this.held.keys()) if (held <= seq) this.held.delete(held);
      this.last = seq;
    }
    return this.drain();
  }

  private drain(): T[] {
    const out: T[] = [];
    for (let next = this.held.get(this.last + 1); next !== undefined; next = this.held.get(this.last + 1)) {
      this.held.delete(this.last + 1);
      this.last++;
      out.push(next);
    }
    return out;
  }
}

/**
 * `welcome`'s history without `since`: the newest events holding up to `maxMessages` messages,
 * oldest first, going back no further than the newest `cleared` (which it includes).
 */
export function recentHistory(events: readonly LoggedEvent[], maxMessages: number): LoggedEvent[] {
  let messages = 0;
  let start = events.length;
  for (let i = events.length - 1; i >= 0; i--) {
    const kind = events[i]!.kind;
    if (kind === 'message' && messages === maxMessages) break;
    start = i;
    if (kind === 'cleared') break;
    if (kind === 'message' && ++messages === maxMessages) break;
  }
  return events.slice(start);
}

export type ResumePlan =
  | { kind: 'recent' }
  | { kind: 'up-to-date' }
  /** Everything after `since` is in `events` (the node's memory). */
  | { kind: 'memory'; from: number }
  /** Older than memory: read the log from `from` (reset when the log no longer holds it). */
  | { kind: 'log'; from: number }
  | { kind: 'reset' };

/** How to answer `?since=`: from memory, from the log, or by starting over. */
export function planResume(since: number | undefined, lastSeq: number, oldestInMemory: number | undefined): ResumePlan {
  if (since === undefined) return { kind: 'recent' };
  // A seq this channel never reached (a client of another log, or one that lost its state).
  if (since > lastSeq) return { kind: 'reset' };
  if (since === lastSeq) return { kind: 'up-to-date' };
  if (oldestInMemory !== undefined && since + 1 >= oldestInMemory) return { kind: 'memory', from: since + 1 };
  return { kind: 'log', from: since + 1 };
}
