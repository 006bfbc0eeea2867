import { forbidden, notFound, unavailable as unavailableError } from '@phzzk/kit/errors';

// The chat domain's failures, as the kit's domain errors (kind + stable code): the kit answers
// them as problem+json on the moderation routes.

export const channelNotFound = () => notFound('CHANNEL_NOT_FOUND', 'No channel has this id.');
export const notAModerator = () => forbidden('NOT_A_MODERATOR', "Only the channel's owner and moderators may do this.");
export const notTheOwner = () => forbidden('NOT_THE_OWNER', "Only the channel's owner may do this.");
export const unavailable = (what: string) => unavailableError('UNAVAILABLE', `${what} is unavailable; try again.`);
