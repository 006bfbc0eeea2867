// The commands and replies between the chat benchmark and its load generator processes.

export type SystemKind = 'chat' | 'bare' | 'socketio';

export type FleetCommand =
  | {
      op: 'connect';
      kind: SystemKind;
      /** Clients go to these round-robin (from `offset`). */
      urls: string[];
      offset: number;
      clients: number;
      /** The first clients of this process are senders, with these headers (chat: a bearer token). */
      senderHeaders: Record<string, string>[];
      concurrency: number;
    }
  | { op: 'reset' }
  /** This process's senders share `rate` messages/s until `stop`. */
  | { op: 'paced'; rate: number }
  /** Each sender keeps `window` messages in flight: sends the next when one of its own comes back. */
  | { op: 'saturate'; window: number }
  | { op: 'stop' }
  /** Chat only: reconnect with `?since=` after a close. */
  | { op: 'resume'; on: boolean }
  | { op: 'report' }
  | { op: 'close' };

/** A load process's counters (and, added up, the fleet's). */
export interface FleetCounts {
  deliveries: number;
  sent: number;
  errors: number;
  closed: number;
  resumed: number;
  gaps: number;
  duplicates: number;
  lastResumeAt: number;
  open: number;
}

export interface FleetReport extends FleetCounts {
  op: 'report';
  /** The process's latency histogram, serialized. */
  histogram: number[];
}

export type FleetReply =
  | { op: 'ok' }
  | { op: 'connected'; connected: number; failed: number; reasons: string[]; ms: number }
  | FleetReport
  | { op: 'failed'; error: string };
