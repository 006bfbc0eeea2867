/**
 * Bidirectional controls: embeddings and overrides (U+202A-U+202E), isolates (U+2066-U+2069), the
 * left-to-right, right-to-left and Arabic letter marks (U+200E, U+200F, U+061C). In a title they
 * reorder what follows ("Trojan Source"), so a title can read differently from what it says.
 */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/gu;

/**
 * Zero-width characters: space, non-joiner, joiner (U+200B-U+200D), word joiner and the invisible
 * operators (U+2060-U+2064), the Mongolian vowel separator (U+180E) and the byte order mark
 * (U+FEFF). They hide text from filters and make two equal-looking titles or tags differ.
 */
const ZERO_WIDTH = /[\u200B-\u200D\u2060-\u2064\u180E\uFEFF]/gu;

/**
 * The one text sanitizer for what users write and others read (titles, descriptions, tags):
 * removes bidirectional controls and zero-width characters, then trims. Everything else is kept
 * as written (emoji, any script, punctuation). Validation of length and blankness stays with the
 * caller, after sanitizing, so a title of zero-width spaces is blank.
 */
export function sanitizeDisplayText(value: string): string {
  return value.replace(BIDI_CONTROLS, '').replace(ZERO_WIDTH, '').trim();
}

/** True when a text holds a bidirectional control or a zero-width character. */
export function hasHiddenControls(value: string): boolean {
  return new RegExp(BIDI_CONTROLS.source, 'u').test(value) || new RegExp(ZERO_WIDTH.source, 'u').test(value);
}
