import { resolvePlaceholders } from './placeholders.ts';
import type { Environment, PropertyValue } from './types.ts';

// The merged views behind `/{application}-{profile}.yml|.properties|.json`, by the rules of
// Spring's EnvironmentController: one flat map sorted by key, where a list is never merged
// across sources (the most specific source that has any `key[i]` supplies the whole list).

/** EnvironmentController#convertToProperties. */
export function mergedProperties(env: Environment): Map<string, PropertyValue> {
  const combined = new Map<string, PropertyValue>();
  const lists = new Map<string, Map<string, PropertyValue>>();
  for (const { source } of [...env.propertySources].reverse()) {
    for (const [key, value] of Object.entries(source)) {
      const bracket = key.indexOf('[');
      if (bracket < 0) {
        combined.set(key, value);
        continue;
      }
      const stem = key.slice(0, bracket);
      const items = new Map<string, PropertyValue>();
      for (const [k, v] of Object.entries(source)) if (k.startsWith(`${stem}[`)) items.set(k, v);
      lists.set(stem, items);
    }
  }
  for (const items of lists.values()) for (const [k, v] of items) combined.set(k, v);
  combined.delete('spring.profiles');
  // Java's TreeMap<String> order: UTF-16 code units, which is what the default sort compares.
  return new Map([...combined].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Resolves `${...}` in every string value against the merged properties (Spring does, by default). */
export function withPlaceholdersResolved(props: Map<string, PropertyValue>): Map<string, PropertyValue> {
  const lookup = (key: string) => {
    const v = props.get(key);
    return v === undefined ? undefined : String(v);
  };
  return new Map([...props].map(([k, v]) => [k, typeof v === 'string' ? resolvePlaceholders(v, lookup) : v]));
}

type Tree = Map<string, unknown>;
type Step = { kind: 'key'; key: string } | { kind: 'index'; index: number };

/** `a.b[0].c` -> key a, key b, index 0, key c; undefined when the key cannot be navigated. */
function steps(key: string): Step[] | undefined {
  const out: Step[] = [];
  const re = /([^.[\]]+)|\[(\d+)\]|(\.)/gy;
  let expectName = true;
  let consumed = 0;
  for (let m = re.exec(key); m !== null; m = re.exec(key)) {
    consumed = re.lastIndex;
    if (m[1] !== undefined) {
      if (!expectName) return undefined;
      out.push({ kind: 'key', key: m[1] });
      expectName = false;
    } else if (m[2] !== undefined) {
      if (out.length === 0) return undefined;
      out.push({ kind: 'index', index: Number(m[2]) });
      expectName = false;
    } else {
      if (expectName) return undefined;
      expectName = true;
    }
  }
  if (consumed !== key.length || expectName || out.length === 0) return undefined;
  return out;
}

function setPath(root: Tree, path: Step[], value: PropertyValue): void {
  let container: Tree | unknown[] = root;
  for (let i = 0; i < path.length; i++) {
    const step = path[i] as Step;
    const last = i === path.length - 1;
    const next = path[i + 1];
    const make = () => (next?.kind === 'index' ? [] : new Map<string, unknown>());
    const slot: string | number = step.kind === 'key' ? step.key : step.index;
    const get = () =>
      container instanceof Map ? container.get(slot as string) : (container as unknown[])[slot as number];
    const set = (v: unknown) => {
      if (container instanceof Map) container.set(slot as string, v);
      else {
        const list = container as unknown[];
        while (list.length < (slot as number)) list.push(null);
        list[slot as number] = v;
      }
    };
    if (last) {
      set(value);
      return;
    }
    let child = get();
    const wantList = next?.kind === 'index';
    if (wantList ? !Array.isArray(child) : !(child instanceof Map)) {
      // A scalar and a nested key under one name: the nested one wins (Spring would fail here).
      child = make();
      set(child);
    }
    container = child as Tree | unknown[];
  }
}

function treeToPlain(value: unknown): unknown {
  if (value instanceof Map) {
    const out = Object.create(null) as Record<string, unknown>;
    for (const [k, v] of value) out[k] = treeToPlain(v);
    return out;
  }
  if (Array.isArray(value)) return value.map(treeToPlain);
  return value;
}

/** EnvironmentController#convertToMap: the flat map as a nested document for YAML and JSON. */
export function nestedDocument(props: Map<string, PropertyValue>): Record<string, unknown> {
  const root: Tree = new Map();
  for (const [key, value] of props) {
    const path = steps(key);
    if (path) setPath(root, path, value);
    else root.set(key, value); // not navigable (e.g. `a..b`): kept as it is
  }
  return treeToPlain(root) as Record<string, unknown>;
}
