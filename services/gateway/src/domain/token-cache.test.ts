import { describe, expect, it } from 'vitest';
import { TokenCache } from './token-cache.ts';

describe('TokenCache', () => {
  it('forgets expired tokens and evicts the least recently used one when full', () => {
    const cache = new TokenCache<{ exp: number; sub: string }>(2);
    cache.set('a', { exp: 100, sub: 'a' });
    cache.set('b', { exp: 100, sub: 'b' });
    expect(cache.get('a', 10)?.sub).toBe('a'); // a is now the most recently used
    cache.set('c', { exp: 100, sub: 'c' });
    expect(cache.get('b', 11)).toBeUndefined();
    expect(cache.get('a', 11)?.sub).toBe('a');
    expect(cache.get('c', 11)?.sub).toBe('c');
    expect(cache.get('c', 100)).toBeUndefined();
  });
});
