/** One field line of an HTTP/1.1 head (RFC 9110 §5.5, RFC 9112 §5), read strictly. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** HTAB, SP, visible ASCII and obs-text: no CR, LF, NUL or other controls. */
const VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

export function isFieldName(name: string): boolean {
  return TOKEN.test(name);
}

export function isFieldValue(value: string): boolean {
  return VALUE.test(value);
}

/** Where the name ends (the colon), or -1 when the line is no `token ":"` field. */
export function fieldColon(line: string): number {
  const colon = line.indexOf(':');
  return colon > 0 && isFieldName(line.slice(0, colon)) ? colon : -1;
}

/** The value without its surrounding whitespace, or undefined when it holds a forbidden character. */
export function fieldValue(line: string, colon: number): string | undefined {
  let start = colon + 1;
  let end = line.length;
  while (start < end && (line.charCodeAt(start) === 0x20 || line.charCodeAt(start) === 0x09)) start++;
  while (end > start && (line.charCodeAt(end - 1) === 0x20 || line.charCodeAt(end - 1) === 0x09)) end--;
  const value = line.slice(start, end);
  return isFieldValue(value) ? value : undefined;
}
