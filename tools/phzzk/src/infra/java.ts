import { join } from 'node:path';
import { runCommand } from './exec.ts';
import { aptInstall, canInstallPackages, findExecutable, isRoot } from './system-package.ts';
import type { Log } from './types.ts';

export const MIN_JAVA = 17;
const JAVA_PACKAGE = 'openjdk-17-jre-headless';

/** The major version in `java -version` output: `"17.0.15"` -> 17, `"1.8.0_292"` -> 8. */
export function parseJavaMajor(output: string): number | undefined {
  const m = /version "(\d+)(?:\.(\d+))?[^"]*"/.exec(output);
  if (!m) return undefined;
  const first = Number(m[1]);
  return first === 1 && m[2] !== undefined ? Number(m[2]) : first;
}

/** JAVA_HOME's java when set (the usual way to pick one of several JDKs), else PATH's. */
export function findJava(env: NodeJS.ProcessEnv): string | undefined {
  if (env.JAVA_HOME) {
    const fromHome = findExecutable(join(env.JAVA_HOME, 'bin', 'java'));
    if (fromHome) return fromHome;
  }
  return findExecutable('java');
}

/** A java of at least MIN_JAVA (Kafka 4 brokers need 17), installed with apt when missing and root. */
export async function ensureJava(env: NodeJS.ProcessEnv, log: Log): Promise<string> {
  let java = findJava(env);
  if (!java && canInstallPackages()) {
    // Debian releases after bookworm have no openjdk-17; the default JRE is newer and also fine.
    await aptInstall([JAVA_PACKAGE], log).catch(() => aptInstall(['default-jre-headless'], log));
    java = findJava(env);
  }
  if (!java) {
    throw new Error(
      `Java ${MIN_JAVA}+ is needed to run Kafka and was not found. Install it with: sudo apt-get install -y ${JAVA_PACKAGE}` +
        (isRoot() ? '' : ' (or set JAVA_HOME)'),
    );
  }
  const { output } = await runCommand(java, ['-version'], { timeoutMs: 30_000 });
  const major = parseJavaMajor(output);
  if (major === undefined || major < MIN_JAVA) {
    throw new Error(
      `Kafka 4 needs Java ${MIN_JAVA}+, but ${java} is ${major ?? 'of an unknown version'}. ` +
        `Install a newer one (sudo apt-get install -y ${JAVA_PACKAGE}) and put it first on PATH or set JAVA_HOME.`,
    );
  }
  return java;
}
