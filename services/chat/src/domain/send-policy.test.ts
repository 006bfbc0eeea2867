import { DEFAULT_CHAT_SETTINGS } from '@phzzk/contracts';
import { describe, expect, it } from 'vitest';
import type { ChannelRules } from './moderation.ts';
import { decideSend, needsFollowCheck } from './send-policy.ts';

const limits = { messages: 20, moderatorMessages: 100, windowMs: 30_000 };
const now = 1_000_000_000;
const rules = (over: Partial<ChannelRules> = {}): ChannelRules => ({
  ownerId: 'o',
  moderators: new Set(['m']),
  bans: new Map(),
  settings: DEFAULT_CHAT_SETTINGS,
  terms: [],
  ...over,
});
const send = (
  userId: string,
  role: 'owner' | 'moderator' | 'viewer',
  r: ChannelRules,
  text = 'hi',
  followedSince?: number | null,
) => decideSend({ userId, role, rules: r, rawText: text, now, followedSince }, limits);

describe('send policy', () => {
  it('accepts a clean message with the role-dependent rate limit and slow mode', () => {
    const slow = rules({ settings: { ...DEFAULT_CHAT_SETTINGS, slowModeSeconds: 30 } });
    expect(send('v', 'viewer', slow)).toEqual({
      ok: true,
      text: 'hi',
      rateLimit: 20,
      windowMs: 30_000,
      slowModeMs: 30_000,
    });
    expect(send('m', 'moderator', slow)).toMatchObject({ ok: true, rateLimit: 100, slowModeMs: 0 });
  });

  it('refuses banned and timed-out users, with retryAfterMs for a timeout', () => {
    const r = rules({
      bans: new Map([
        ['b', { until: null }],
        ['t', { until: now + 5000 }],
      ]),
    });
    expect(send('b', 'viewer', r)).toMatchObject({ ok: false, code: 'BANNED' });
    expect(send('t', 'viewer', r)).toMatchObject({ ok: false, code: 'TIMED_OUT', retryAfterMs: 5000 });
  });

  it('followers-only: viewers need a follow old enough; owner and moderators are exempt', () => {
    const r = rules({ settings: { ...DEFAULT_CHAT_SETTINGS, followersOnlyMinutes: 10 } });
    expect(needsFollowCheck('viewer', r)).toBe(true);
    expect(needsFollowCheck('moderator', r)).toBe(false);
    expect(send('v', 'viewer', r, 'hi', null)).toMatchObject({ code: 'FOLLOWERS_ONLY' });
    expect(send('v', 'viewer', r, 'hi', now - 60_000)).toMatchObject({ code: 'FOLLOWERS_ONLY', retryAfterMs: 540_000 });
    expect(send('v', 'viewer', r, 'hi', now - 600_000)).toMatchObject({ ok: true });
    expect(send('m', 'moderator', r)).toMatchObject({ ok: true });
    const zero = rules({ settings: { ...DEFAULT_CHAT_SETTINGS, followersOnlyMinutes: 0 } });
    expect(send('v', 'viewer', zero, 'hi', now)).toMatchObject({ ok: true });
  });

  it('emote-only and blocked terms; the owner is exempt from blocked terms', () => {
    const emote = rules({ settings: { ...DEFAULT_CHAT_SETTINGS, emoteOnly: true } });
    expect(send('v', 'viewer', emote, 'hello')).toMatchObject({ code: 'EMOTE_ONLY' });
    expect(send('v', 'viewer', emote, '😀')).toMatchObject({ ok: true });
    expect(send('m', 'moderator', emote, 'hello')).toMatchObject({ ok: true });
    const blocked = rules({ terms: ['bad*word'] });
    expect(send('v', 'viewer', blocked, 'a BAD old WORD')).toMatchObject({ code: 'BLOCKED_TERM' });
    expect(send('m', 'moderator', blocked, 'badword')).toMatchObject({ code: 'BLOCKED_TERM' });
    expect(send('o', 'owner', blocked, 'badword')).toMatchObject({ ok: true });
  });

  it('checks the text before anything that needs the network', () => {
    expect(send('v', 'viewer', rules(), '  ')).toMatchObject({ code: 'EMPTY_MESSAGE' });
    expect(send('v', 'viewer', rules(), 'x'.repeat(501))).toMatchObject({ code: 'MESSAGE_TOO_LONG' });
  });
});
