export { hasHiddenControls, sanitizeDisplayText } from './display-text.ts';
