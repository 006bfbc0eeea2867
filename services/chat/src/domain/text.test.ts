import { describe, expect, it } from 'vitest';
import { cleanText, countCodePoints, isEmoteOnly } from './text.ts';

describe('message text', () => {
  it('trims, turns line breaks into spaces, drops control and bidi-override characters', () => {
    expect(cleanText('  hi\u0000 there\u202e\r\n ', 500)).toEqual({ ok: true, text: 'hi there' });
    expect(cleanText('a\tb\nc', 500)).toEqual({ ok: true, text: 'a b c' });
    expect(cleanText('\u0085x\u009f', 500)).toEqual({ ok: true, text: 'x' });
  });

  it('refuses empty text and counts length in code points, not UTF-16 units', () => {
    expect(cleanText(' \u0007 \n', 500)).toEqual({ ok: false, code: 'EMPTY_MESSAGE' });
    expect(cleanText('😀'.repeat(500), 500).ok).toBe(true);
    expect(cleanText('😀'.repeat(501), 500)).toEqual({ ok: false, code: 'MESSAGE_TOO_LONG' });
    expect(cleanText('가'.repeat(500), 500).ok).toBe(true);
    expect(cleanText('a'.repeat(501), 500).ok).toBe(false);
    expect(countCodePoints('a😀b')).toBe(3);
  });

  it('recognizes emote-only text: emoji, modifiers, flags, keycaps, ZWJ sequences and spaces', () => {
    for (const ok of ['😀', '😀 👍🏽', '🇰🇷', '1️⃣', '👨‍👩‍👧', '❤️ ❤️']) expect(isEmoteOnly(ok)).toBe(true);
    for (const bad of ['hi 😀', '1', '#', ' ', 'ㅋㅋ', ':)']) expect(isEmoteOnly(bad)).toBe(false);
  });
});
