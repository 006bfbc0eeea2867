/** A broken rule of a moderation request, with the HTTP status and stable code it maps to. */
export class ChatError extends Error {
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, detail: string) {
    super(detail);
    this.name = 'ChatError';
    this.status = status;
    this.code = code;
  }
}

export const channelNotFound = () => new ChatError(404, 'CHANNEL_NOT_FOUND', 'No channel has this id.');
export const notAModerator = () =>
  new ChatError(403, 'NOT_A_MODERATOR', "Only the channel's owner and moderators may do this.");
export const notTheOwner = () => new ChatError(403, 'NOT_THE_OWNER', "Only the channel's owner may do this.");
export const unavailable = (what: string) => new ChatError(503, 'UNAVAILABLE', `${what} is unavailable; try again.`);
