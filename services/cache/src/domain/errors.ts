/** A rule of the caching service was broken; routes turn it into a problem with the same status and code. */
export class CacheError extends Error {
  readonly status: number;
  readonly code: string;
  readonly extra: Record<string, unknown>;

  constructor(status: number, code: string, detail: string, extra: Record<string, unknown> = {}) {
    super(detail);
    this.name = 'CacheError';
    this.status = status;
    this.code = code;
    this.extra = extra;
  }
}

export const channelNotFound = () =>
  new CacheError(404, 'CHANNEL_NOT_FOUND', 'No such channel (the caching service has never heard of it).');
export const channelOffline = () => new CacheError(409, 'CHANNEL_OFFLINE', 'The channel is not live.');
export const sessionNotFound = () => new CacheError(404, 'SESSION_NOT_FOUND', 'No such broadcast of this channel.');
export const rateLimited = (retryAfterSeconds: number) =>
  new CacheError(429, 'RATE_LIMITED', 'Too many heartbeats from this address.', { retryAfterSeconds });
