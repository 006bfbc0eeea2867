import { describe, expect, it } from 'vitest';
import { mergePresence } from './presence.ts';

const u = (n: number) => `0192f0c1-0000-7000-8000-00000000000${n}`;

describe('participants', () => {
  it('unions live nodes, keeps the highest role, sums anonymous readers and drops expired nodes', () => {
    const result = mergePresence(
      u(0),
      [
        {
          node: 'a',
          members: [
            { userId: u(1), nickname: 'zed', role: 'viewer' },
            { userId: u(2), nickname: 'amy', role: 'viewer' },
          ],
          anonymous: 4,
          expiresAt: 2000,
        },
        { node: 'b', members: [{ userId: u(1), nickname: 'zed', role: 'moderator' }], anonymous: 1, expiresAt: 2000 },
        { node: 'c', members: [{ userId: u(3), nickname: 'gone', role: 'owner' }], anonymous: 9, expiresAt: 1000 },
      ],
      1500,
      10,
    );
    expect(result.users.map((x) => [x.nickname, x.role])).toEqual([
      ['zed', 'moderator'],
      ['amy', 'viewer'],
    ]);
    expect(result).toMatchObject({ signedIn: 2, anonymous: 5, expired: ['c'] });
    expect(mergePresence(u(0), [], 0, 10)).toEqual({
      channelId: u(0),
      users: [],
      signedIn: 0,
      anonymous: 0,
      expired: [],
    });
  });
});
