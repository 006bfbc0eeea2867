import { describe, expect, it } from 'vitest';
import { newRequestId, requestIdFrom } from './request-id.ts';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('request ids', () => {
  it('are random version 4 UUIDs, unique across many pool refills', () => {
    const ids = Array.from({ length: 5000 }, newRequestId);
    for (const id of ids) expect(id).toMatch(UUID_V4);
    expect(new Set(ids).size).toBe(ids.length);
    // Every hex digit shows up in every free position: the bytes are not stuck.
    const free = [0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 15, 16, 17, 20, 21, 22, 24, 35];
    for (const at of free) expect(new Set(ids.map((id) => id[at])).size).toBe(16);
  });

  it('reuse a well-formed incoming id and replace a malformed or oversized one', () => {
    expect(requestIdFrom({ headers: { 'x-request-id': 'abc-123.x:y_z' } })).toBe('abc-123.x:y_z');
    expect(requestIdFrom({ headers: { 'x-request-id': ['first', 'second'] } })).toBe('first');
    expect(requestIdFrom({ headers: { 'x-request-id': 'has space' } })).toMatch(UUID_V4);
    expect(requestIdFrom({ headers: { 'x-request-id': 'x'.repeat(129) } })).toMatch(UUID_V4);
    expect(requestIdFrom({ headers: {} })).toMatch(UUID_V4);
  });
});
