import type { TSchema } from 'typebox';

type JsonSchemaLike = { type?: string | string[]; anyOf?: JsonSchemaLike[]; items?: JsonSchemaLike };

function typesOf(schema: JsonSchemaLike): string[] {
  if (schema.anyOf) return schema.anyOf.flatMap(typesOf);
  if (Array.isArray(schema.type)) return schema.type;
  return schema.type ? [schema.type] : [];
}

/**
 * Turns a string (from the environment or a .properties file) into the type the schema asks for.
 * Values that do not convert are returned unchanged so that validation names the key.
 */
export function coerceValue(schema: TSchema, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const types = typesOf(schema as JsonSchemaLike);
  if (types.includes('string')) return value;
  const trimmed = value.trim();
  if ((types.includes('integer') || types.includes('number')) && trimmed !== '' && Number.isFinite(Number(trimmed))) {
    return Number(trimmed);
  }
  if (types.includes('boolean') && /^(true|false)$/i.test(trimmed)) return trimmed.toLowerCase() === 'true';
  if ((types.includes('array') || types.includes('object')) && /^[[{]/.test(trimmed)) {
    try {
      return JSON.parse(trimmed);
    } catch {
      return value;
    }
  }
  if (types.includes('array')) {
    const items = (schema as JsonSchemaLike).items;
    const parts = trimmed === '' ? [] : trimmed.split(',').map((p) => p.trim());
    return items ? parts.map((p) => coerceValue(items as TSchema, p)) : parts;
  }
  if (types.includes('null') && trimmed === '') return null;
  return value;
}
