import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runChecked } from './exec.ts';
import type { StatePaths } from './paths.ts';
import { ensureSystemPackage } from './system-package.ts';
import type { Log } from './types.ts';

/**
 * The Apache Kafka release PHZZK runs: the latest patch release of a 4.x line on Maven Central
 * (4.4.0 also runs on Java 17; 4.3.1 has had a patch round). Keep deploy/docker-compose.yml on
 * the same version.
 */
export const KAFKA_VERSION = '4.3.1';

// Next to this module in the repo, not under `root`: tests run with a temporary root.
const POM = fileURLToPath(new URL('../../kafka/pom.xml', import.meta.url));
const COMPLETE = '.complete';

export function kafkaLibsDir(paths: StatePaths, version = KAFKA_VERSION): string {
  return join(paths.kafka, version, 'libs');
}

/**
 * The broker's jars in `.phzzk/kafka/<version>/libs`, resolved by Maven from Maven Central
 * (~/.m2 caches them across checkouts). Copied into a scratch dir and renamed, so an interrupted
 * download never looks complete.
 */
export async function ensureKafkaJars(opts: { paths: StatePaths; log: Log; version?: string }): Promise<string> {
  const version = opts.version ?? KAFKA_VERSION;
  const libs = kafkaLibsDir(opts.paths, version);
  if (existsSync(join(libs, COMPLETE))) return libs;
  const mvn = await ensureSystemPackage({ binary: 'mvn', aptPackage: 'maven', log: opts.log });
  const scratch = `${libs}.partial-${process.pid}`;
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  const started = Date.now();
  opts.log(`kafka: resolving Apache Kafka ${version} jars with Maven`);
  try {
    await runChecked(
      mvn,
      [
        '-B',
        '-q',
        '-Dstyle.color=never',
        '-f',
        POM,
        `-Dkafka.version=${version}`,
        'dependency:copy-dependencies',
        `-DoutputDirectory=${scratch}`,
      ],
      { timeoutMs: 600_000 },
    );
    if (!existsSync(join(scratch, `kafka_2.13-${version}.jar`))) {
      throw new Error(`Maven finished but kafka_2.13-${version}.jar is not in ${scratch}`);
    }
    writeFileSync(join(scratch, COMPLETE), `${readdirSync(scratch).length} jars\n`);
    rmSync(libs, { recursive: true, force: true });
    renameSync(scratch, libs);
  } catch (err) {
    rmSync(scratch, { recursive: true, force: true });
    throw new Error(`could not resolve the Kafka ${version} jars from Maven Central: ${(err as Error).message}`);
  }
  opts.log(`kafka: jars ready in ${libs} (${Date.now() - started} ms)`);
  return libs;
}
