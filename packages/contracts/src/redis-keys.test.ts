import { describe, expect, it } from 'vitest';
import { TRANSCODER_HOLDER_KEY_PREFIX, transcoderHolderKey, transcoderHolderKeyPrefix } from './redis-keys.ts';

describe('the transcoder holder key', () => {
  it('is what the gateway reads and the transcoder writes, with the default or a configured prefix', () => {
    expect(TRANSCODER_HOLDER_KEY_PREFIX).toBe('phzzk:transcoder:holder:');
    expect(transcoderHolderKey('c1')).toBe(`${TRANSCODER_HOLDER_KEY_PREFIX}c1`);
    expect(transcoderHolderKey('c1', 'test:')).toBe(`${transcoderHolderKeyPrefix('test:')}c1`);
    expect(transcoderHolderKey('c1', 'test:')).toBe('test:holder:c1');
  });
});
