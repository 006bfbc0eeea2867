import { Ajv } from 'ajv';

// The kit's validator coerces scalars (fine for query strings), which would turn a body's
// `"followersOnlyMinutes": null` into 0. Routes with a body validate exactly: wrong types are a 400.
const ajv = new Ajv({
  coerceTypes: false,
  removeAdditional: false,
  useDefaults: true,
  allErrors: false,
  strict: false,
});

/** A Fastify validatorCompiler that validates exactly, without type coercion. */
export const strictValidator = ({ schema }: { schema: object }) => ajv.compile(schema);
