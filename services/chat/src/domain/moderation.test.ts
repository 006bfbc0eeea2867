import { describe, expect, it } from 'vitest';
import { checkBan, checkDuration, checkTarget, roleOf } from './moderation.ts';

describe('moderation rules', () => {
  const rules = { ownerId: 'o', moderators: new Set(['m1', 'm2']) };

  it('derives roles from the owner and the moderator list', () => {
    expect([roleOf(rules, 'o'), roleOf(rules, 'm1'), roleOf(rules, 'v')]).toEqual(['owner', 'moderator', 'viewer']);
  });

  it('lets the owner act on anyone else, moderators on viewers only, viewers on nobody', () => {
    expect(checkTarget('o', 'owner', 'm1', 'moderator').ok).toBe(true);
    expect(checkTarget('o', 'owner', 'v', 'viewer').ok).toBe(true);
    expect(checkTarget('m1', 'moderator', 'v', 'viewer').ok).toBe(true);
    expect(checkTarget('m1', 'moderator', 'm2', 'moderator')).toMatchObject({
      ok: false,
      code: 'CANNOT_MODERATE_TARGET',
    });
    expect(checkTarget('m1', 'moderator', 'o', 'owner')).toMatchObject({ ok: false, code: 'CANNOT_MODERATE_TARGET' });
    expect(checkTarget('o', 'owner', 'o', 'owner')).toMatchObject({ ok: false, code: 'CANNOT_MODERATE_SELF' });
    expect(checkTarget('v', 'viewer', 'w', 'viewer')).toMatchObject({ ok: false, code: 'NOT_A_MODERATOR' });
  });

  it('tells bans from running and expired timeouts', () => {
    expect(checkBan(undefined, 1000)).toEqual({ ok: true });
    expect(checkBan({ until: null }, 1000)).toEqual({ ok: false, code: 'BANNED' });
    expect(checkBan({ until: 5000 }, 1000)).toEqual({ ok: false, code: 'TIMED_OUT', retryAfterMs: 4000 });
    expect(checkBan({ until: 1000 }, 1000)).toEqual({ ok: true });
  });

  it('bounds timeouts to 1 s - 14 days; no duration is permanent', () => {
    expect(checkDuration(undefined)).toEqual({ ok: true, seconds: null });
    expect(checkDuration(1)).toEqual({ ok: true, seconds: 1 });
    expect(checkDuration(1_209_600)).toEqual({ ok: true, seconds: 1_209_600 });
    for (const bad of [0, -5, 1.5, 1_209_601]) expect(checkDuration(bad).ok).toBe(false);
  });
});
