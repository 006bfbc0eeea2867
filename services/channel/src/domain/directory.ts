import { isUuid } from '@phzzk/contracts';
import { DomainError } from '@phzzk/kit/errors';

/** `live=true`: live channels; `live=false`: offline ones; no `live`: every channel. */
export type DirectoryFilter = 'live' | 'offline' | 'all';

export const filterOf = (live: boolean | undefined): DirectoryFilter =>
  live === undefined ? 'all' : live ? 'live' : 'offline';

/**
 * Where a page ended, as the sort key of its last row (keyset paging: stable under inserts, no
 * OFFSET scans). Live channels rank by (viewers, startedAt, channelId), all descending: viewers
 * are 0 until the caching service feeds them, so the order is newest stream first until then.
 * Other listings rank by channel id, descending (ids are UUIDv7: newest channel first).
 */
export type Cursor =
  | { filter: 'live'; viewers: number; startedAt: string; channelId: string }
  | { filter: 'offline' | 'all'; channelId: string };

export function encodeCursor(cursor: Cursor): string {
  const parts =
    cursor.filter === 'live'
      ? [cursor.filter, cursor.viewers, cursor.startedAt, cursor.channelId]
      : [cursor.filter, cursor.channelId];
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}

/** Reads a cursor made by encodeCursor for the same filter; anything else is a 400. */
export function decodeCursor(text: string, filter: DirectoryFilter): Cursor {
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(parts) || parts[0] !== filter) throw invalid();
  if (filter === 'live') {
    const [, viewers, startedAt, channelId] = parts;
    if (parts.length !== 4 || !Number.isSafeInteger(viewers) || (viewers as number) < 0) throw invalid();
    if (typeof startedAt !== 'string' || Number.isNaN(Date.parse(startedAt)) || !isUuid(channelId)) throw invalid();
    return { filter, viewers: viewers as number, startedAt: new Date(startedAt).toISOString(), channelId };
  }
  const [, channelId] = parts;
  if (parts.length !== 2 || !isUuid(channelId)) throw invalid();
  return { filter, channelId };
}

const invalid = () => new DomainError('invalid', 'INVALID_CURSOR', 'The cursor is not one this listing handed out.');
