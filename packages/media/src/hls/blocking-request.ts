// Delivery Directives (RFC 8216bis §6.2.5): parsing and validating _HLS_msn / _HLS_part / _HLS_skip,
// and the blocking playlist reload decision. No HTTP here: results carry the status to answer with.
import type { PlaylistPosition, WaitResult } from './packager-types.ts';

export type SkipDirective = 'YES' | 'v2';

export type PlaylistDirectives = {
  msn?: number;
  part?: number;
  skip?: SkipDirective;
};

export type DirectivesResult = { ok: true; directives: PlaylistDirectives } | { ok: false; status: 400; error: string };

export type QueryInput = URLSearchParams | Readonly<Record<string, unknown>>;

const DECIMAL_INTEGER = /^(0|[1-9][0-9]{0,15})$/;

function values(query: QueryInput, name: string): unknown[] {
  if (query instanceof URLSearchParams) return query.getAll(name);
  const value = query[name];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function single(query: QueryInput, name: string): { value?: string; error?: string } {
  const all = values(query, name);
  if (all.length === 0) return {};
  if (all.length > 1) return { error: `${name} given more than once` };
  const [value] = all;
  if (typeof value !== 'string') return { error: `${name} must be a string` };
  return { value };
}

/**
 * Validates the directives of a media playlist request. Malformed values and `_HLS_part` without
 * `_HLS_msn` (§6.2.5.2, MUST be 400) are errors; unrelated query parameters are ignored.
 */
export function parsePlaylistDirectives(query: QueryInput): DirectivesResult {
  const directives: PlaylistDirectives = {};
  const fail = (error: string): DirectivesResult => ({ ok: false, status: 400, error });
  const msn = single(query, '_HLS_msn');
  const part = single(query, '_HLS_part');
  const skip = single(query, '_HLS_skip');
  for (const r of [msn, part, skip]) if (r.error) return fail(r.error);
  if (msn.value !== undefined) {
    if (!DECIMAL_INTEGER.test(msn.value)) return fail('_HLS_msn must be a decimal-integer');
    directives.msn = Number(msn.value);
  }
  if (part.value !== undefined) {
    if (!DECIMAL_INTEGER.test(part.value)) return fail('_HLS_part must be a decimal-integer');
    if (directives.msn === undefined) return fail('_HLS_part requires _HLS_msn');
    directives.part = Number(part.value);
  }
  if (skip.value !== undefined) {
    if (skip.value !== 'YES' && skip.value !== 'v2') return fail('_HLS_skip must be YES or v2');
    directives.skip = skip.value;
  }
  return { ok: true, directives };
}

/** §6.2.5.2: give up blocking after three target durations (and answer 503). */
export function blockingTimeoutMs(targetDuration: number): number {
  return Math.round(3 * targetDuration * 1000);
}

/** What the blocking decision needs from a rendition (LlHlsPackager implements it). */
export type BlockingSource = {
  readonly ended: boolean;
  isTooFarAhead(position: PlaylistPosition): boolean;
  waitFor(position: PlaylistPosition, timeoutMs: number, signal?: AbortSignal): Promise<WaitResult>;
};

export type BlockingOutcome =
  | { status: 200; blocked: boolean }
  | { status: 400; error: string }
  | { status: 503; error: string }
  | { status: 499; error: string };

/**
 * Decides when a playlist request may be answered: at once without _HLS_msn or once the stream has
 * ended (§6.2.5.2 MUST ignore directives with EXT-X-ENDLIST), 400 when too far ahead, otherwise
 * after the requested segment/part exists; 503 on timeout, 499 when the client went away.
 */
export async function awaitPlaylistDirectives(
  source: BlockingSource,
  directives: PlaylistDirectives,
  options: { timeoutMs: number; signal?: AbortSignal },
): Promise<BlockingOutcome> {
  if (directives.msn === undefined || source.ended) return { status: 200, blocked: false };
  const position: PlaylistPosition = { msn: directives.msn, part: directives.part };
  if (source.isTooFarAhead(position)) {
    return { status: 400, error: 'requested segment/part is beyond the advance limit (RFC 8216bis 6.2.5.2)' };
  }
  const result = await source.waitFor(position, options.timeoutMs, options.signal);
  if (result === 'ready') return { status: 200, blocked: true };
  if (result === 'aborted') return { status: 499, error: 'client closed the request' };
  return { status: 503, error: 'requested segment/part did not appear in time' };
}
