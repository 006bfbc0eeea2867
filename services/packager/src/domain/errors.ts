import { conflict, forbidden, invalid, notFound, unavailable } from '@phzzk/kit/errors';

// The packager's failures, as the kit's domain errors (kind + stable code): the kit answers them
// as problem+json.

export const vodNotFound = () => notFound('VOD_NOT_FOUND', 'No such VOD.');
export const clipNotFound = () => notFound('CLIP_NOT_FOUND', 'No such clip.');
export const notOwner = () => forbidden('NOT_CHANNEL_OWNER', 'Only the channel owner may do this.');
export const ownerUnknown = () =>
  unavailable('CHANNEL_SERVICE_UNAVAILABLE', 'The channel owner could not be checked; try again.');
export const badCursor = () => invalid('INVALID_CURSOR', 'The cursor is not one this API gave out.');
export const notLive = () => conflict('CHANNEL_NOT_LIVE', 'The channel is not live: clip a VOD instead.');
export const outOfRange = (detail: string) => invalid('CLIP_OUT_OF_RANGE', detail);
export const noMedia = () => conflict('NO_MEDIA', 'Nothing has been recorded yet.');
