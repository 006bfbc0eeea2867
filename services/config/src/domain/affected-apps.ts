import { fileReadings, isConfigFile } from './config-files.ts';

/**
 * Which applications a change to these files concerns: `application*.yml` concerns everyone
 * (`*`); `gateway.yml` and `gateway-dev.yml` concern `gateway`. A dashed name is ambiguous
 * (`api-gateway.yml`: api-gateway, or api with profile gateway), so every reading is named; an
 * instance acts only on its own name. Files in folders and non-config files concern nobody.
 */
export function affectedApplications(changedFiles: readonly string[]): string[] {
  const apps = new Set<string>();
  for (const path of changedFiles) {
    if (path.includes('/') || !isConfigFile(path)) continue;
    for (const { name } of fileReadings(path)) apps.add(name === 'application' ? '*' : name);
  }
  return apps.has('*') ? ['*'] : [...apps].sort();
}
