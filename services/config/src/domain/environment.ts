import { type ConfigFile, documentActive, EXTENSION_PRECEDENCE } from './config-files.ts';
import type { Environment, PropertySource } from './types.ts';

/** The parsed configuration files of one commit. */
export interface Snapshot {
  commit: string;
  files: ReadonlyMap<string, ConfigFile>;
}

/**
 * The file base names to read, most specific first, as Spring Boot orders them for
 * `spring.config.name=application,{application}` and the active profiles: profile-specific files
 * over plain ones, the last profile over earlier ones, `{application}` over the shared `application`.
 *
 *   foo + [dev, mysql]: foo-mysql, application-mysql, foo-dev, application-dev, foo, application
 */
export function baseNamesByPrecedence(application: string, profiles: readonly string[]): string[] {
  const names = application === 'application' ? ['application'] : [application, 'application'];
  const out: string[] = [];
  for (const profile of [...profiles].reverse()) for (const name of names) out.push(`${name}-${profile}`);
  out.push(...names);
  return [...new Set(out)];
}

/**
 * The property sources for an application and its profiles, most specific first (as Spring's
 * `/{application}/{profile}` lists them). Within a file later documents win, and documents that
 * activate on a profile are kept only when it is active. Names are `<uri>/<file>` like Spring's.
 */
export function propertySourcesFor(
  snapshot: Snapshot,
  application: string,
  profiles: readonly string[],
  uri: string,
): PropertySource[] {
  const sources: PropertySource[] = [];
  for (const base of baseNamesByPrecedence(application, profiles)) {
    for (const extension of EXTENSION_PRECEDENCE) {
      const file = snapshot.files.get(`${base}.${extension}`);
      if (!file) continue;
      const many = file.documents.length > 1;
      for (let i = file.documents.length - 1; i >= 0; i--) {
        const doc = file.documents[i];
        if (!doc || !documentActive(doc.onProfile, profiles)) continue;
        sources.push({ name: `${uri}/${file.path}${many ? ` (document #${i})` : ''}`, source: doc.source });
      }
    }
  }
  return sources;
}

export function buildEnvironment(
  snapshot: Snapshot,
  request: { application: string; profiles: readonly string[]; label: string | null },
  uri: string,
): Environment {
  return {
    name: request.application,
    profiles: [...request.profiles],
    label: request.label,
    version: snapshot.commit,
    state: null,
    propertySources: propertySourcesFor(snapshot, request.application, request.profiles, uri),
  };
}
