import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { runChecked } from './exec.ts';
import type { Log } from './types.ts';

// Debian keeps daemons in sbin, which a non-root PATH often lacks.
const SBIN_DIRS = ['/usr/local/sbin', '/usr/sbin', '/sbin'];

/** The first executable file called `name` on PATH, then in `extraDirs` and the sbin dirs. */
export function findExecutable(name: string, extraDirs: string[] = []): string | undefined {
  if (name.includes('/')) return isExecutable(name) ? name : undefined;
  const dirs = [...(process.env.PATH ?? '').split(delimiter), ...extraDirs, ...SBIN_DIRS].filter((d) => d !== '');
  for (const dir of dirs) {
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

export function canInstallPackages(): boolean {
  return isRoot() && findExecutable('apt-get') !== undefined;
}

// dpkg takes a lock: installs run one at a time, and the package lists are refreshed once.
let aptQueue: Promise<unknown> = Promise.resolve();
let aptUpdated = false;

/** `apt-get install -y` as root, non-interactively; serialised within this process. */
export function aptInstall(packages: string[], log: Log): Promise<void> {
  const run = aptQueue.then(async () => {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    if (!aptUpdated) {
      log('apt-get update');
      await runChecked('apt-get', ['update'], { env, timeoutMs: 600_000 });
      aptUpdated = true;
    }
    log(`apt-get install -y ${packages.join(' ')}`);
    await runChecked('apt-get', ['install', '-y', ...packages], {
      env,
      timeoutMs: 1_200_000,
    });
  });
  aptQueue = run.catch(() => {});
  return run;
}

export function missingPackageError(what: string, aptPackage: string): Error {
  return new Error(
    `${what} not found. Install it with: sudo apt-get install -y ${aptPackage}` +
      (isRoot() ? '' : ' (PHZZK installs it by itself only when run as root)'),
  );
}

/**
 * The path of `binary`, installing `aptPackage` first when it is missing and this process may
 * (root with apt-get); otherwise an Error that names the package.
 */
export async function ensureSystemPackage(opts: {
  binary: string;
  aptPackage: string;
  log: Log;
  extraDirs?: string[];
}): Promise<string> {
  const found = findExecutable(opts.binary, opts.extraDirs);
  if (found) return found;
  if (!canInstallPackages()) throw missingPackageError(opts.binary, opts.aptPackage);
  await aptInstall([opts.aptPackage], opts.log);
  const installed = findExecutable(opts.binary, opts.extraDirs);
  if (!installed) throw new Error(`installed ${opts.aptPackage}, but ${opts.binary} is still not found`);
  return installed;
}
