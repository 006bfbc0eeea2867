import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ServiceEntry {
  /** Service id, e.g. `user` (the folder name under services/ or apps/). */
  name: string;
  dir: string;
  main: string;
  /** Lower starts first: discovery and config before the services that need them, gateway last. */
  order: number;
  /** Node/V8 flags the service runs with (its package.json `phzzk.nodeOptions`), before main. */
  nodeArgs: string[];
  /** How long a start may take before it counts as failed (the web app builds on its first start). */
  startTimeoutMs?: number;
}

interface ServicePackage {
  phzzk?: { order?: number; nodeOptions?: unknown; startTimeoutMs?: number };
}

/** Where processes of the platform live: services, and apps (the web front end) run the same way. */
const FOLDERS = ['services', 'apps'] as const;

/** Only `--flag` or `--flag=value` words: the list goes straight onto a command line. */
function nodeArgsOf(pkg: ServicePackage, name: string): string[] {
  const options = pkg.phzzk?.nodeOptions ?? [];
  if (!Array.isArray(options) || !options.every((o) => typeof o === 'string' && /^--[a-z0-9-]+(=[\w.-]+)?$/.test(o))) {
    throw new Error(`services/${name}/package.json: phzzk.nodeOptions must be a list of --flag[=value] strings`);
  }
  return options as string[];
}

/** One service's entry, from its folder under services/ (or apps/). */
export function serviceEntry(root: string, name: string, folder: (typeof FOLDERS)[number] = 'services'): ServiceEntry {
  const dir = join(root, folder, name);
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as ServicePackage;
  const timeout = pkg.phzzk?.startTimeoutMs;
  return {
    name,
    dir,
    main: join(dir, 'src', 'main.ts'),
    order: pkg.phzzk?.order ?? 50,
    nodeArgs: nodeArgsOf(pkg, name),
    ...(typeof timeout === 'number' && timeout > 0 ? { startTimeoutMs: timeout } : {}),
  };
}

/** Every service that exists in this checkout: a folder under services/ or apps/ with src/main.ts. */
export function listServices(root: string): ServiceEntry[] {
  return FOLDERS.flatMap((folder) => {
    const base = join(root, folder);
    if (!existsSync(base)) return [];
    return readdirSync(base, { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(join(base, d.name, 'src', 'main.ts')))
      .map((d) => serviceEntry(root, d.name, folder));
  }).sort((a, b) => a.order - b.order || a.name.localeCompare(b.name));
}
