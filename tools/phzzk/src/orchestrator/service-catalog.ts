import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ServiceEntry {
  /** Service id, e.g. `user` (the folder name under services/). */
  name: string;
  dir: string;
  main: string;
  /** Lower starts first: discovery and config before the services that need them, gateway last. */
  order: number;
}

/** Every service that exists in this checkout: a folder under services/ with src/main.ts. */
export function listServices(root: string): ServiceEntry[] {
  const base = join(root, 'services');
  if (!existsSync(base)) return [];
  return readdirSync(base, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(base, d.name, 'src', 'main.ts')))
    .map((d) => {
      const dir = join(base, d.name);
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { phzzk?: { order?: number } };
      return { name: d.name, dir, main: join(dir, 'src', 'main.ts'), order: pkg.phzzk?.order ?? 50 };
    })
    .sort((a, b) => a.order - b.order || a.name.localeCompare(b.name));
}
