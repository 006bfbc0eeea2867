import { conflict, notFound, rateLimited as rateLimitedError } from '@phzzk/kit/errors';

// The caching service's failures, as the kit's domain errors (kind + stable code): the kit answers
// them as problem+json, a rate limit with Retry-After.

export const channelNotFound = () =>
  notFound('CHANNEL_NOT_FOUND', 'No such channel (the caching service has never heard of it).');
export const channelOffline = () => conflict('CHANNEL_OFFLINE', 'The channel is not live.');
export const sessionNotFound = () => notFound('SESSION_NOT_FOUND', 'No such broadcast of this channel.');
export const rateLimited = (retryAfterSeconds: number) =>
  rateLimitedError('RATE_LIMITED', 'Too many heartbeats from this address.', retryAfterSeconds);
