/** A rule of the channel domain was broken; routes turn it into a problem with the same status and code. */
export class ChannelError extends Error {
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, detail: string) {
    super(detail);
    this.name = 'ChannelError';
    this.status = status;
    this.code = code;
  }
}

export const channelNotFound = () => new ChannelError(404, 'CHANNEL_NOT_FOUND', 'No such channel.');
export const ownChannelNotFound = () =>
  // Right after sign-up the channel may still be on its way (it is created from user.registered).
  new ChannelError(404, 'CHANNEL_NOT_FOUND', 'You have no channel yet; it is created shortly after sign-up.');
export const streamKeyUnknown = () =>
  new ChannelError(404, 'STREAM_KEY_UNKNOWN', 'This stream key is not the current key of any channel.');
