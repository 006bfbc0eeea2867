// Parsing a client's frame of `phzzk.chat.v1` (`send` and `ping`, see chat-frames.ts in contracts):
// size first, then JSON, then exactly the fields the protocol defines. Anything else is malformed.

export type ClientFrame =
  | { kind: 'send'; text: string; nonce: string }
  | { kind: 'ping' }
  | { kind: 'malformed'; message: string; nonce?: string };

const NONCE_MAX = 64;
const SEND_TEXT_MAX = 4096;

export function parseClientFrame(data: Buffer | string, isBinary: boolean, maxBytes: number): ClientFrame {
  if (isBinary) return { kind: 'malformed', message: 'Frames are JSON text; binary frames are not accepted.' };
  const size = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
  if (size > maxBytes) return { kind: 'malformed', message: `A frame is at most ${maxBytes} bytes.` };
  let value: unknown;
  try {
    value = JSON.parse(typeof data === 'string' ? data : data.toString('utf8'));
  } catch {
    return { kind: 'malformed', message: 'A frame is one JSON object.' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { kind: 'malformed', message: 'A frame is one JSON object.' };
  }
  const frame = value as Record<string, unknown>;
  const keys = Object.keys(frame);
  if (frame.type === 'ping') {
    return keys.length === 1 ? { kind: 'ping' } : { kind: 'malformed', message: 'A ping frame has only "type".' };
  }
  if (frame.type === 'send') {
    const nonce = typeof frame.nonce === 'string' && frame.nonce.length <= NONCE_MAX ? frame.nonce : undefined;
    const bad = (message: string): ClientFrame =>
      nonce === undefined ? { kind: 'malformed', message } : { kind: 'malformed', message, nonce };
    if (nonce === undefined || nonce.length === 0) return bad(`"nonce" is a string of 1-${NONCE_MAX} characters.`);
    if (typeof frame.text !== 'string' || frame.text.length > SEND_TEXT_MAX) return bad('"text" is a string.');
    if (keys.some((k) => k !== 'type' && k !== 'text' && k !== 'nonce')) {
      return bad('A send frame has only "type", "text" and "nonce".');
    }
    return { kind: 'send', text: frame.text, nonce };
  }
  return { kind: 'malformed', message: 'Unknown frame type; the client sends "send" or "ping".' };
}

/**
 * Approximate sliding-window counter in O(1) memory (the previous window's count, weighted by how
 * much of it still overlaps): what each connection uses to spot floods and repeated bad frames.
 */
export class WindowCounter {
  private windowStart = 0;
  private current = 0;
  private previous = 0;
  private readonly limit: number;
  private readonly windowMs: number;

  constructor(limit: number, windowMs: number) {
    this.limit = limit;
    this.windowMs = windowMs;
  }

  /** Counts one hit at `now`; true when the window now holds more than the limit. */
  hit(now: number): boolean {
    const elapsed = now - this.windowStart;
    if (elapsed >= this.windowMs) {
      this.previous = elapsed >= 2 * this.windowMs ? 0 : this.current;
      this.current = 0;
      this.windowStart = now - (elapsed % this.windowMs);
    }
    this.current++;
    const overlap = 1 - (now - this.windowStart) / this.windowMs;
    return this.current + this.previous * overlap > this.limit;
  }
}
