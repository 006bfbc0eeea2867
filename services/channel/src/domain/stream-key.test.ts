import { describe, expect, it } from 'vitest';
import { channelIdOfKey, generateStreamKey, streamKeyDigest, streamKeyMatches } from './stream-key.ts';

const channelId = '0190a6b0-1234-7abc-8def-0123456789ab';

describe('stream keys', () => {
  it('carry the channel and 256 random bits, and differ every time', () => {
    const key = generateStreamKey(channelId);
    expect(key).toMatch(/^live_0190a6b012347abc8def0123456789ab_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(key.slice(38), 'base64url')).toHaveLength(32);
    expect(generateStreamKey(channelId)).not.toBe(key);
    expect(channelIdOfKey(key)).toBe(channelId);
  });

  it('parse only their own shape', () => {
    for (const bad of [
      '',
      'live_',
      `live_${'0'.repeat(32)}_short`,
      `LIVE_${'0'.repeat(32)}_${'a'.repeat(43)}`,
      `live_${'g'.repeat(32)}_${'a'.repeat(43)}`,
      `${generateStreamKey(channelId)}x`,
    ]) {
      expect(channelIdOfKey(bad), bad).toBeUndefined();
    }
  });

  it('match their digest only', () => {
    const key = generateStreamKey(channelId);
    const digest = streamKeyDigest(key);
    expect(streamKeyMatches(key, digest)).toBe(true);
    expect(streamKeyMatches(generateStreamKey(channelId), digest)).toBe(false);
    expect(streamKeyMatches(key, undefined)).toBe(false);
    expect(streamKeyMatches(key, Buffer.alloc(32))).toBe(false);
    expect(streamKeyMatches(key, digest.subarray(0, 16))).toBe(false);
  });
});
