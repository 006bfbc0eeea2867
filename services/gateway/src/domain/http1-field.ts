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

/** The bytes `name: value\r\n` lines take for a flat [name, value, …] list (one byte a character). */
export function fieldLinesLength(fields: readonly string[]): number {
  let size = 0;
  for (let i = 0; i < fields.length; i++) size += fields[i]!.length;
  return size + (fields.length / 2) * 4;
}

/**
 * Writes `name: value\r\n` lines into `bytes` at `at` as latin1; returns the offset after them.
 * The separators are stored byte by byte: a `Buffer.write` call costs far more than two bytes.
 */
export function writeFieldLines(bytes: Buffer, at: number, fields: readonly string[]): number {
  let offset = at;
  for (let i = 0; i < fields.length; i += 2) {
    offset += bytes.write(fields[i]!, offset, 'latin1');
    bytes[offset++] = 0x3a; // ':'
    bytes[offset++] = 0x20;
    offset += bytes.write(fields[i + 1]!, offset, 'latin1');
    bytes[offset++] = 0x0d;
    bytes[offset++] = 0x0a;
  }
  return offset;
}

/**
 * One HTTP/1.1 message in one buffer, with no joined string of it: `start` (the start line and any
 * fixed field lines, each ending in CRLF), the field lines, `end` (more fixed lines and the empty
 * line that closes the head), then the body if any. Every character is one byte (latin1).
 */
export function messageBytes(start: string, fields: readonly string[], end: string, body?: Buffer): Buffer {
  const headLength = start.length + fieldLinesLength(fields) + end.length;
  const bytes = Buffer.allocUnsafe(headLength + (body?.length ?? 0));
  let at = bytes.write(start, 0, 'latin1');
  at = writeFieldLines(bytes, at, fields);
  at += bytes.write(end, at, 'latin1');
  body?.copy(bytes, at);
  return bytes;
}
