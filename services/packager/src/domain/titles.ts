import { invalid } from '@phzzk/kit/errors';
import { sanitizeDisplayText } from '@phzzk/kit/text';

/**
 * A VOD or clip title as it is stored: bidirectional controls and zero-width characters removed
 * (the platform's one display-text sanitizer), trimmed; blank after that is refused.
 */
export function cleanTitle(raw: string): string {
  const title = sanitizeDisplayText(raw);
  if (title.length === 0) throw invalid('INVALID_TITLE', 'The title must not be blank.');
  return title;
}
