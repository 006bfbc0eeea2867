import Type, { type Static } from 'typebox';

// RFC 9457 problem details, with PHZZK's stable machine-readable `code`.
export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer({ minimum: 400, maximum: 599 }),
    code: Type.String(),
    detail: Type.Optional(Type.String()),
    instance: Type.Optional(Type.String()),
    requestId: Type.Optional(Type.String()),
  },
  { additionalProperties: true },
);
export type Problem = Static<typeof Problem>;

export const ServiceInfo = Type.Object({
  service: Type.String(),
  version: Type.String(),
  instanceId: Type.String(),
  configVersion: Type.Union([Type.String(), Type.Null()]),
});
export type ServiceInfo = Static<typeof ServiceInfo>;

export const HealthReport = Type.Object({
  status: Type.Union([Type.Literal('up'), Type.Literal('down')]),
  service: Type.String(),
  instanceId: Type.String(),
  checks: Type.Record(
    Type.String(),
    Type.Object({
      status: Type.Union([Type.Literal('up'), Type.Literal('down')]),
      detail: Type.Optional(Type.String()),
      critical: Type.Boolean(),
    }),
  ),
});
export type HealthReport = Static<typeof HealthReport>;
