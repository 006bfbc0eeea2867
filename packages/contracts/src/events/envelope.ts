import Type, { type Static, type TSchema } from 'typebox';

// Every Kafka event is one envelope: `id` makes consumers idempotent (an event may arrive twice),
// `type` discriminates the events that share a topic, `data` is the event's own payload.
/** A lower-case UUID (PHZZK ids are UUIDv7); the one pattern every schema and check uses. */
export const UUID_PATTERN = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';
const uuidRegExp = new RegExp(UUID_PATTERN);
export const isUuid = (value: unknown): value is string => typeof value === 'string' && uuidRegExp.test(value);
export const Uuid = Type.String({ pattern: UUID_PATTERN, maxLength: 36 });
export const IsoTime = Type.String({ format: 'date-time', maxLength: 40 });

export function envelope<const T extends string, D extends TSchema>(type: T, data: D) {
  return Type.Object(
    {
      id: Uuid,
      type: Type.Literal(type),
      occurredAt: IsoTime,
      producer: Type.String({ minLength: 1, maxLength: 64 }),
      data,
    },
    { additionalProperties: false, $id: type },
  );
}

export type Envelope<T extends string = string, D = unknown> = {
  id: string;
  type: T;
  occurredAt: string;
  producer: string;
  data: D;
};

export type { Static };
