/** Flat configuration properties (`a.b[0].c` keys). */
export type Properties = Record<string, unknown>;

function setPath(target: Record<string, unknown> | unknown[], path: string, value: unknown): void {
  const parts = path.match(/[^.[\]]+/g) ?? [];
  let node: Record<string, unknown> | unknown[] = target;
  parts.forEach((part, i) => {
    const last = i === parts.length - 1;
    const nextIsIndex = /^\d+$/.test(parts[i + 1] ?? '');
    const slot = node as Record<string, unknown>;
    if (last) slot[part] = value;
    else {
      slot[part] ??= nextIsIndex ? [] : {};
      node = slot[part] as Record<string, unknown>;
    }
  });
}

/**
 * Rebuilds a list from Spring's flattened form: `gateway.routes[0].path`, `gateway.routes[1].path`
 * ... become `[{path}, {path}]` for the key `gateway.routes`. Undefined when there are none.
 */
export function collectIndexed(layer: Properties, key: string): unknown[] | undefined {
  const prefix = `${key}[`;
  const entries = Object.entries(layer).filter(([k]) => k.startsWith(prefix));
  if (entries.length === 0) return undefined;
  const holder: { list: unknown[] } = { list: [] };
  for (const [k, v] of entries) setPath(holder, `list${k.slice(key.length)}`, v);
  return holder.list.filter((item) => item !== undefined);
}
