// Redis keys that more than one service reads. A key only one service uses stays in that service.

/**
 * Concurrent viewers of every live channel: a sorted set, member = channelId, score = viewers.
 * Written by the caching service from player heartbeats; read by the channel service to order the
 * live directory and to show `viewers` (one ZSCORE/ZREVRANGE, never a call per channel).
 */
export const LIVE_VIEWERS_KEY = 'phzzk:stats:live-viewers';

/** Prefix of every transcoder key (the transcoder's `transcoder.redis.key-prefix` default; tests use their own). */
export const TRANSCODER_KEY_PREFIX = 'phzzk:transcoder:';

/**
 * Where the transcoder instance holding a live channel is named: a string `<holderKeyPrefix><channelId>`
 * = that instance's discovery id (a lease, PX). The transcoder writes it; the gateway routes
 * `/hls/{channelId}/**` by it. Both build it from here, so changing the prefix changes both.
 */
export const transcoderHolderKeyPrefix = (keyPrefix: string = TRANSCODER_KEY_PREFIX): string => `${keyPrefix}holder:`;
export const TRANSCODER_HOLDER_KEY_PREFIX = transcoderHolderKeyPrefix();
export const transcoderHolderKey = (channelId: string, keyPrefix: string = TRANSCODER_KEY_PREFIX): string =>
  `${transcoderHolderKeyPrefix(keyPrefix)}${channelId}`;
