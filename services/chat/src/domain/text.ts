// What a chat message's text may be: plain text, trimmed, 1-500 Unicode code points, no control
// characters (C0, DEL, C1) and no bidirectional overrides that would reorder the text around it.

export type CleanText = { ok: true; text: string } | { ok: false; code: 'EMPTY_MESSAGE' | 'MESSAGE_TOO_LONG' };

// Line breaks and tabs become spaces (a chat line is one line); every other control goes.
const LINE_BREAKS = /[\t\n\v\f\r\u0085\u2028\u2029]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this refuses
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** Cleans a message's text or says why it cannot be sent. */
export function cleanText(raw: string, maxCodePoints: number): CleanText {
  const text = raw.replace(LINE_BREAKS, ' ').replace(CONTROLS, '').trim();
  if (text.length === 0) return { ok: false, code: 'EMPTY_MESSAGE' };
  // Cheap bound first: UTF-16 length is at least the code-point count.
  if (text.length > maxCodePoints && countCodePoints(text, maxCodePoints + 1) > maxCodePoints) {
    return { ok: false, code: 'MESSAGE_TOO_LONG' };
  }
  return { ok: true, text };
}

/** Code points of `text`, counting at most up to `stopAt`. */
export function countCodePoints(text: string, stopAt = Number.POSITIVE_INFINITY): number {
  let n = 0;
  for (const _ of text) {
    if (++n >= stopAt) return n;
  }
  return n;
}

// An emote-only message holds emoji (with their modifiers, joiners, variation selectors, flags,
// tag sequences and keycaps) and whitespace, and at least one emoji.
const EMOJI_ONLY =
  /^(?:\s|\p{Extended_Pictographic}|\p{Regional_Indicator}|\p{Emoji_Modifier}|\u200d|\ufe0f|[\u{e0020}-\u{e007f}]|[0-9#*]\ufe0f?\u20e3)+$/u;
const HAS_EMOJI = /\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20e3/u;

export function isEmoteOnly(text: string): boolean {
  return EMOJI_ONLY.test(text) && HAS_EMOJI.test(text);
}
