// What went wrong, said in the domain's words: a kind (what sort of failure) and a stable code
// (which one). No HTTP, no WebSocket here: the kit maps a kind to a status or an error frame in
// one place (http/domain-problem.ts, errors/error-frame.ts). Framework-free: domain code imports it.

export const ERROR_KINDS = [
  'invalid',
  'unauthenticated',
  'forbidden',
  'not-found',
  'conflict',
  'rate-limited',
  'unavailable',
  'upstream-failed',
] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

export class DomainError extends Error {
  readonly kind: ErrorKind;
  /** Stable and machine-readable, e.g. CHANNEL_NOT_FOUND. */
  readonly code: string;
  /** More for the caller (a reason, `retryAfter` in seconds for rate-limited). */
  readonly extra: Record<string, unknown>;

  constructor(kind: ErrorKind, code: string, detail: string, extra: Record<string, unknown> = {}) {
    super(detail);
    this.name = 'DomainError';
    this.kind = kind;
    this.code = code;
    this.extra = extra;
  }

  /** Whether this is the failure `code` (optionally of `kind`). */
  is(code: string, kind?: ErrorKind): boolean {
    return this.code === code && (kind === undefined || this.kind === kind);
  }
}

type Extra = Record<string, unknown>;
export const invalid = (code: string, detail: string, extra?: Extra) => new DomainError('invalid', code, detail, extra);
export const unauthenticated = (code: string, detail: string, extra?: Extra) =>
  new DomainError('unauthenticated', code, detail, extra);
export const forbidden = (code: string, detail: string, extra?: Extra) =>
  new DomainError('forbidden', code, detail, extra);
export const notFound = (code: string, detail: string, extra?: Extra) =>
  new DomainError('not-found', code, detail, extra);
export const conflict = (code: string, detail: string, extra?: Extra) =>
  new DomainError('conflict', code, detail, extra);
export const rateLimited = (code: string, detail: string, retryAfterSeconds: number, extra?: Extra) =>
  new DomainError('rate-limited', code, detail, { ...extra, retryAfter: retryAfterSeconds });
export const unavailable = (code: string, detail: string, extra?: Extra) =>
  new DomainError('unavailable', code, detail, extra);
export const upstreamFailed = (code: string, detail: string, extra?: Extra) =>
  new DomainError('upstream-failed', code, detail, extra);
