// Redis keys that more than one service reads. A key only one service uses stays in that service.

/**
 * Concurrent viewers of every live channel: a sorted set, member = channelId, score = viewers.
 * Written by the caching service from player heartbeats; read by the channel service to order the
 * live directory and to show `viewers` (one ZSCORE/ZREVRANGE, never a call per channel).
 */
export const LIVE_VIEWERS_KEY = 'phzzk:stats:live-viewers';
