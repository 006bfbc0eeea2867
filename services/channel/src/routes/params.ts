import { Uuid } from '@phzzk/contracts';
import Type from 'typebox';

/** `{id}` in a path: a lower-case UUID, else 400 before any lookup. */
export const ChannelIdParams = Type.Object({ id: Uuid }, { additionalProperties: false });
