// Per-connection bounds. Every buffer a peer can make us hold is bounded by one of these, so a
// misbehaving connection costs a known amount of memory and time, then is closed.

export type RtmpLimits = {
  /**
   * Largest message accepted (default 8 MiB). The wire format allows 16 MiB - 1; a 4K key frame
   * at 50 Mbit/s is ~2-3 MiB, so 8 MiB leaves room while halving what a liar can make us expect.
   */
  maxMessageLength: number;
  /** Bytes held for partially received messages plus unparsed input (default 16 MiB). */
  maxPendingBytes: number;
  /** Distinct chunk stream ids a peer may use (default 64; encoders use fewer than 10). */
  maxChunkStreams: number;
  /** createStream calls answered per connection (default 8). */
  maxStreamsPerConnection: number;
  /** Bytes queued towards a peer that does not read (default 1 MiB); we only send control data. */
  maxOutboundBytes: number;
  /** From accept to a completed handshake (default 5 s). */
  handshakeTimeoutMs: number;
  /** From accept to an accepted publish, including authorization (default 15 s). */
  setupTimeoutMs: number;
  /** A publisher sending no audio/video/data for this long is ended with 'timeout' (default 10 s). */
  mediaTimeoutMs: number;
  /** After we end a connection, how long the peer gets to read and close before we destroy it. */
  closeGraceMs: number;
  /** Concurrent connections per server (default 1000); more are refused at accept. */
  maxConnections: number;
  /** Concurrent connections from one remote address (default 10); more are refused at accept. */
  maxConnectionsPerIp: number;
};

export const DEFAULT_LIMITS: Readonly<RtmpLimits> = Object.freeze({
  maxMessageLength: 8 * 1024 * 1024,
  maxPendingBytes: 16 * 1024 * 1024,
  maxChunkStreams: 64,
  maxStreamsPerConnection: 8,
  maxOutboundBytes: 1024 * 1024,
  handshakeTimeoutMs: 5_000,
  setupTimeoutMs: 15_000,
  mediaTimeoutMs: 10_000,
  closeGraceMs: 2_000,
  maxConnections: 1_000,
  maxConnectionsPerIp: 10,
});

export function resolveLimits(overrides: Partial<RtmpLimits> = {}): RtmpLimits {
  const limits = { ...DEFAULT_LIMITS, ...overrides };
  for (const [key, value] of Object.entries(limits)) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      throw new RangeError(`rtmp limit ${key} must be a positive number, got ${String(value)}`);
    }
  }
  if (limits.maxMessageLength > 0xffffff) throw new RangeError('maxMessageLength cannot exceed 16 MiB - 1');
  return limits;
}
