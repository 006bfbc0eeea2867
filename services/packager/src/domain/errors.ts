/** A broken rule of the packager's API, mapped to a problem+json with this status and code. */
export class PackagerError extends Error {
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export const vodNotFound = () => new PackagerError(404, 'VOD_NOT_FOUND', 'No such VOD.');
export const clipNotFound = () => new PackagerError(404, 'CLIP_NOT_FOUND', 'No such clip.');
export const notOwner = () => new PackagerError(403, 'NOT_CHANNEL_OWNER', 'Only the channel owner may do this.');
export const ownerUnknown = () =>
  new PackagerError(503, 'CHANNEL_SERVICE_UNAVAILABLE', 'The channel owner could not be checked; try again.');
export const badCursor = () => new PackagerError(400, 'INVALID_CURSOR', 'The cursor is not one this API gave out.');
