/**
 * A stream key as it may appear in logs: its first 4 characters, enough to tell keys apart when
 * reading logs, never enough to publish with. Keys shorter than 12 characters show nothing.
 */
export function redactStreamKey(key: string): string {
  return key.length >= 12 ? `${key.slice(0, 4)}…` : '…';
}

/** An RTMP tcUrl without its query (some encoders put the key there) or user-info. */
export function redactTcUrl(tcUrl: string): string {
  return tcUrl.replace(/[?#].*$/s, '').replace(/\/\/[^/@]*@/, '//');
}
