import type { RegisteredInstance } from './instance.ts';
import { encodeInstance, type WireFormat, type WireObject } from './instance-codec.ts';

/** `{ name, instance: [...] }` for one application. */
export function encodeApplication(
  name: string,
  instances: readonly RegisteredInstance[],
  format: WireFormat,
): WireObject {
  return { name, instance: instances.map((i) => encodeInstance(i, format)) };
}

/**
 * Eureka's Applications: `versions__delta` and `apps__hashcode` (the underscores doubled, as
 * Eureka's codecs escape them), then the applications with their instances, grouped by app.
 */
export function encodeApplications(
  instances: readonly RegisteredInstance[],
  meta: { version: number; hashCode: string },
  format: WireFormat,
): WireObject {
  const byApp = new Map<string, RegisteredInstance[]>();
  for (const instance of instances) {
    const list = byApp.get(instance.info.app);
    if (list) list.push(instance);
    else byApp.set(instance.info.app, [instance]);
  }
  return {
    versions__delta: String(meta.version),
    apps__hashcode: meta.hashCode,
    application: [...byApp].map(([name, list]) => encodeApplication(name, list, format)),
  };
}
