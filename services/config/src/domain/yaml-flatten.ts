import { parseAllDocuments, Scalar, type Tags } from 'yaml';
import { emptySource, type PropertyValue, type Source } from './types.ts';

// Spring Boot reads YAML with SnakeYAML (YAML 1.1) and flattens it with YamlProcessor. To serve the
// same keys and values as a Spring server, parse as YAML 1.1 and flatten by the same rules:
// nested maps -> `a.b`, sequences -> `a[0]`, non-string keys -> `a[1]`, null -> "", empty list -> "",
// empty map -> no key, a document that is not a map -> `document`.

// SnakeYAML's booleans (y/n are strings there, unlike the yaml package's 1.1 schema).
const TRUE = /^(?:yes|Yes|YES|true|True|TRUE|on|On|ON)$/;
const FALSE = /^(?:no|No|NO|false|False|FALSE|off|Off|OFF)$/;
const springBool = [
  {
    identify: (v: unknown) => v === true,
    default: true,
    tag: 'tag:yaml.org,2002:bool',
    test: TRUE,
    resolve: () => new Scalar(true),
  },
  {
    identify: (v: unknown) => v === false,
    default: true,
    tag: 'tag:yaml.org,2002:bool',
    test: FALSE,
    resolve: () => new Scalar(false),
  },
];

/** YAML 1.1 tags as Spring Boot resolves them: SnakeYAML booleans, timestamps left as strings. */
export function springYamlTags(tags: Tags): Tags {
  return [
    ...springBool,
    ...tags.filter((t) => {
      const tag = typeof t === 'string' ? t : t.tag;
      return tag !== 'tag:yaml.org,2002:timestamp' && tag !== 'tag:yaml.org,2002:bool';
    }),
  ] as Tags;
}

export class YamlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'YamlError';
  }
}

/** Parses every document of a YAML file (null documents are skipped, as SnakeYAML's loadAll does). */
export function parseYamlDocuments(text: string): unknown[] {
  const docs = parseAllDocuments(text, {
    version: '1.1',
    customTags: springYamlTags,
    uniqueKeys: true,
    merge: true,
    prettyErrors: true,
  });
  // A stream that is not YAML at all comes back as an EmptyStream without errors.
  const list = Array.isArray(docs) ? docs : [];
  const out: unknown[] = [];
  for (const doc of list) {
    const problem = doc.errors[0];
    if (problem) throw new YamlError(problem.message);
    const value = doc.toJS({ mapAsMap: true, maxAliasCount: 50 }) as unknown;
    if (value !== null && value !== undefined) out.push(value);
  }
  return out;
}

/** YamlProcessor.asMap: string keys stay, other keys become `[key]`. A non-map document is `document`. */
function asEntries(value: unknown): [string, unknown][] {
  if (value instanceof Map) {
    return [...value].map(([k, v]) => [typeof k === 'string' ? k : `[${String(k)}]`, v]);
  }
  return [['document', value]];
}

function put(out: Source, key: string, value: unknown): void {
  out[key] = toPropertyValue(value);
}

function toPropertyValue(value: unknown): PropertyValue {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  return String(value);
}

function flattenInto(out: Source, entries: [string, unknown][], path: string | null): void {
  for (const [rawKey, value] of entries) {
    const key = path ? (rawKey.startsWith('[') ? path + rawKey : `${path}.${rawKey}`) : rawKey;
    if (value instanceof Map) {
      flattenInto(out, asEntries(value), key);
    } else if (Array.isArray(value)) {
      if (value.length === 0) put(out, key, '');
      else for (const [i, item] of value.entries()) flattenInto(out, [[`[${i}]`, item]], key);
    } else if (value instanceof Set) {
      // !!set: a map of keys to null in YAML 1.1; SnakeYAML gives a Set, flattened like a list.
      flattenInto(out, [[rawKey, [...value]]], path);
    } else {
      put(out, key, value);
    }
  }
}

/** One parsed YAML document flattened to dotted keys, in document order. */
export function flattenDocument(doc: unknown): Source {
  const out = emptySource();
  flattenInto(out, asEntries(doc), null);
  return out;
}
