import { Ajv } from 'ajv';

// The kit's validator coerces scalars (42 -> "42"), which suits query strings. A contract between
// services gets none of that: a body of the wrong type is a 400, not a guess.
const ajv = new Ajv({
  coerceTypes: false,
  removeAdditional: false,
  useDefaults: true,
  allErrors: false,
  strict: false,
});

/** A Fastify validatorCompiler that validates exactly, without type coercion. */
export const strictValidator = ({ schema }: { schema: object }) => ajv.compile(schema);
