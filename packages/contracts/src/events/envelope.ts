import Type, { type Static, type TSchema } from 'typebox';

// Every Kafka event is one envelope: `id` makes consumers idempotent (an event may arrive twice),
// `type` discriminates the events that share a topic, `data` is the event's own payload.
export const Uuid = Type.String({
  pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$',
  maxLength: 36,
});
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
