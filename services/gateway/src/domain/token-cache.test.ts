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

  it('answers only for the very token cached, not one that merely ends the same', () => {
    const cache = new TokenCache<{ exp: number; sub: string }>();
    const tail = 'S'.repeat(40);
    const verified = `header.payload-of-alice.${tail}`;
    cache.set(verified, { exp: 100, sub: 'alice' });
    expect(cache.get(`header.payload-of-alice.${tail}`, 10)?.sub).toBe('alice'); // equal, not the same string
    // A forged payload under a copied signature shares the tail: no hit, it must be verified.
    expect(cache.get(`header.payload-of-mallory.${tail}`, 10)).toBeUndefined();
    expect(cache.get(verified, 10)?.sub).toBe('alice');
  });
});
