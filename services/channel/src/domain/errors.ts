import { notFound } from '@phzzk/kit/errors';

// Failures of the channel domain raised by more than one use case (kit DomainErrors: a kind, a code).
export const channelNotFound = () => notFound('CHANNEL_NOT_FOUND', 'No such channel.');
export const ownChannelNotFound = () =>
  // Right after sign-up the channel may still be on its way (it is created from user.registered).
  notFound('CHANNEL_NOT_FOUND', 'You have no channel yet; it is created shortly after sign-up.');
export const streamKeyUnknown = () =>
  notFound('STREAM_KEY_UNKNOWN', 'This stream key is not the current key of any channel.');
