import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ServiceEntry {
  /** Service id, e.g. `user` (the folder name under services/). */
  name: string;
  dir: string;
  main: string;
  /** Lower starts first: discovery and config before the services that need them, gateway last. */
  order: number;
  /** Node/V8 flags the service runs with (its package.json `phzzk.nodeOptions`), before main. */
  nodeArgs: string[];
}

interface ServicePackage {
  phzzk?: { order?: number; nodeOptions?: unknown };
}

/** Only `--flag` or `--flag=value` words: the list goes straight onto a command line. */
function nodeArgsOf(pkg: ServicePackage, name: string): string[] {
  const options = pkg.phzzk?.nodeOptions ?? [];
  if (!Array.isArray(options) || !options.every((o) => typeof o === 'string' && /^--[a-z0-9-]+(=[\w.-]+)?$/.test(o))) {
    throw new Error(`services/${name}/package.json: phzzk.nodeOptions must be a list of --flag[=value] strings`);
  }
  return options as string[];
}

/** One service's entry, from its folder under services/. */
export function serviceEntry(root: string, name: string): ServiceEntry {
  const dir = join(root, 'services', name);
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as ServicePackage;
  return {
    name,
    dir,
    main: join(dir, 'src', 'main.ts'),
    order: pkg.phzzk?.order ?? 50,
    nodeArgs: nodeArgsOf(pkg, name),
  };
}

/** Every service that exists in this checkout: a folder under services/ with src/main.ts. */
export function listServices(root: string): ServiceEntry[] {
  const base = join(root, 'services');
  if (!existsSync(base)) return [];
  return readdirSync(base, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(base, d.name, 'src', 'main.ts')))
    .map((d) => serviceEntry(root, d.name))
    .sort((a, b) => a.order - b.order || a.name.localeCompare(b.name));
}
