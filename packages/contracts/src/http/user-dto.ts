import Type, { type Static } from 'typebox';
import { IsoTime, Uuid } from '../events/envelope.ts';

export const PublicUser = Type.Object(
  { id: Uuid, nickname: Type.String(), createdAt: IsoTime },
  { additionalProperties: false },
);
export type PublicUser = Static<typeof PublicUser>;
