import { describe, expect, it } from 'vitest';
import { hasHiddenControls, sanitizeDisplayText } from './display-text.ts';

describe('sanitizeDisplayText', () => {
  it('removes every bidirectional control', () => {
    const controls = ['\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069'];
    for (const c of [...controls, '\u200E', '\u200F', '\u061C']) {
      expect(sanitizeDisplayText(`live ${c}now`)).toBe('live now');
    }
    // The classic spoof: "gnp.exe" shown as "exe.png".
    expect(sanitizeDisplayText('clip\u202Egnp.exe')).toBe('clipgnp.exe');
  });

  it('removes zero-width characters and the byte order mark', () => {
    for (const c of ['\u200B', '\u200C', '\u200D', '\u2060', '\u2061', '\u180E', '\uFEFF']) {
      expect(sanitizeDisplayText(`spe${c}edrun`)).toBe('speedrun');
    }
  });

  it('trims after removing, so a text of invisible characters becomes blank', () => {
    expect(sanitizeDisplayText(' \u200B\u202E\uFEFF ')).toBe('');
  });

  it('keeps any script, emoji and punctuation as written', () => {
    const text = '롤 랭크 — Ranked! 🎮 (العربية) 日本語';
    expect(sanitizeDisplayText(text)).toBe(text);
    expect(hasHiddenControls(text)).toBe(false);
  });

  it('tells whether a text holds a hidden control', () => {
    expect(hasHiddenControls('a\u2067b')).toBe(true);
    expect(hasHiddenControls('a\u200Bb')).toBe(true);
    expect(hasHiddenControls('ab')).toBe(false);
  });
});
