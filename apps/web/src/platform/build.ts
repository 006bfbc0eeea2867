import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sourceHash } from './build-stamp.ts';

const LOCK_STALE_MS = 15 * 60_000;

export interface BuildOptions {
  appDir: string;
  repoRoot: string;
  /** Where the stamp and the lock live (the repository's .phzzk/, beside the build it describes). */
  stateDir: string;
  log: (line: string) => void;
}

/**
 * Builds the app (`next build`) unless the stamp says the last build was of these exact sources.
 * Several platforms starting at once (tests) take a lock: one builds, the others wait and reuse.
 */
export async function ensureBuilt(options: BuildOptions): Promise<{ built: boolean; hash: string }> {
  const { appDir, repoRoot, stateDir, log } = options;
  mkdirSync(stateDir, { recursive: true });
  const stampFile = join(stateDir, 'web-build.json');
  const lockDir = join(stateDir, 'web-build.lock');
  const hash = sourceHash(appDir, repoRoot);
  const current = () => {
    try {
      const stamp = JSON.parse(readFileSync(stampFile, 'utf8')) as { hash?: string };
      return stamp.hash === hash && existsSync(join(appDir, '.next', 'BUILD_ID'));
    } catch {
      return false;
    }
  };
  if (current()) return { built: false, hash };
  await acquire(lockDir, log);
  try {
    if (current()) return { built: false, hash };
    log(`web: building (next build) for sources ${hash.slice(0, 12)} ...`);
    const began = Date.now();
    await run(process.execPath, [join(repoRoot, 'node_modules', 'next', 'dist', 'bin', 'next'), 'build'], appDir);
    // Hashed again: `next build` may rewrite its tsconfig.json (it adds its generated types).
    const built = sourceHash(appDir, repoRoot);
    writeFileSync(stampFile, `${JSON.stringify({ hash: built, builtAt: new Date().toISOString() })}\n`);
    log(`web: built in ${((Date.now() - began) / 1000).toFixed(1)} s`);
    return { built: true, hash: built };
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

async function acquire(lockDir: string, log: (line: string) => void): Promise<void> {
  let told = false;
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(join(lockDir, 'pid'), String(process.pid));
      return;
    } catch {
      const holder = Number(readFileSafe(join(lockDir, 'pid')));
      const age = Date.now() - (existsSync(lockDir) ? statSync(lockDir).mtimeMs : 0);
      if (age > LOCK_STALE_MS || (holder > 0 && !alive(holder))) {
        rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      if (!told) log('web: another process is building the app; waiting for it');
      told = true;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

const readFileSafe = (file: string) => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
};

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function run(command: string, args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      stdio: 'inherit',
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production' },
    });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`next build exited with ${code}`))));
  });
}
