/**
 * Local infrastructure for `npm start` / `npm test` without Docker: reuse PostgreSQL, Redis and
 * Kafka where they answer, start PHZZK's own (state in `<root>/.phzzk/`) where they do not, and
 * make sure the programs PHZZK shells out to are installed. stopInfra stops only what PHZZK started.
 */
import { ensureBinary, binaryStatus } from './binaries.ts';
import { ensureKoreanFont } from './korean-font.ts';
import { ensureGstreamer } from './gstreamer.ts';
import { resolveEndpoints } from './endpoints.ts';
import { ensureKafka, kafkaStatus } from './kafka.ts';
import { ensureStateDirs, statePaths } from './paths.ts';
import { ensurePostgres, postgresStatus } from './postgres.ts';
import { listRecords, stopProcess } from './process-registry.ts';
import { ensureRedis, redisStatus } from './redis.ts';
import type { ComponentContext, InfraComponentStatus, InfraEndpoints, Log } from './types.ts';

export type { InfraComponentStatus, InfraEndpoints } from './types.ts';
export { findExecutable, ensureSystemPackage } from './system-package.ts';
export { KAFKA_VERSION } from './kafka-jars.ts';

export interface EnsureInfraOptions {
  /** repo root; state lives in `${root}/.phzzk/` */
  root: string;
  /** DATABASE_URL, REDIS_URL, KAFKA_BROKERS (defaults: the local standard ports) */
  env: NodeJS.ProcessEnv;
  log: Log;
  /** default: postgres, redis, kafka, ffmpeg; chromium and nginx only when asked for */
  need?: {
    postgres?: boolean;
    redis?: boolean;
    kafka?: boolean;
    ffmpeg?: boolean;
    chromium?: boolean;
    nginx?: boolean;
    /** GStreamer with rtmp2sink, x264enc and AAC: the second RTMP publisher of the tests. */
    gstreamer?: boolean;
  };
}

export async function ensureInfra(
  opts: EnsureInfraOptions,
): Promise<{ endpoints: InfraEndpoints; components: InfraComponentStatus[] }> {
  const need = {
    postgres: true,
    redis: true,
    kafka: true,
    ffmpeg: true,
    chromium: false,
    nginx: false,
    gstreamer: false,
    ...opts.need,
  };
  const endpoints = resolveEndpoints(opts.env);
  const paths = statePaths(opts.root);
  ensureStateDirs(paths);
  const ctx: ComponentContext = { paths, env: opts.env, log: opts.log };

  // Independent of each other, so started side by side: the JVM start dominates either way.
  const tasks: Promise<InfraComponentStatus>[] = [];
  if (need.postgres) tasks.push(ensurePostgres(ctx, endpoints.databaseUrl));
  if (need.redis) tasks.push(ensureRedis(ctx, endpoints.redisUrl));
  if (need.kafka) tasks.push(ensureKafka(ctx, endpoints.kafkaBrokers));
  if (need.ffmpeg) tasks.push(ensureBinary('ffmpeg', opts.log));
  if (need.chromium) {
    // Chromium first: fontconfig, which the font check asks, comes with it.
    const chromium = async () => {
      const status = await ensureBinary('chromium', opts.log);
      await ensureKoreanFont(opts.log);
      return status;
    };
    tasks.push(chromium());
  }
  if (need.nginx) tasks.push(ensureBinary('nginx', opts.log));
  if (need.gstreamer) tasks.push(ensureGstreamer(opts.log));

  const results = await Promise.allSettled(tasks);
  const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failures.length > 0) {
    // Everything that did come up stays up (stopInfra cleans up); report every failure at once.
    const messages = failures.map((f) => (f.reason instanceof Error ? f.reason.message : String(f.reason)));
    throw new Error(`infrastructure is not ready:\n- ${messages.join('\n- ')}`);
  }
  const components = results.map((r) => (r as PromiseFulfilledResult<InfraComponentStatus>).value);
  return { endpoints, components };
}

/** Stops only processes PHZZK started (its pid files), each after checking its command line. */
export async function stopInfra(opts: { root: string; log: Log }): Promise<void> {
  const paths = statePaths(opts.root);
  const records = listRecords(paths);
  if (records.length === 0) {
    opts.log('nothing started by phzzk is running');
    return;
  }
  await Promise.all(records.map((r) => stopProcess(paths, r, opts.log)));
}

export async function infraStatus(opts: { root: string; env: NodeJS.ProcessEnv }): Promise<InfraComponentStatus[]> {
  const endpoints = resolveEndpoints(opts.env);
  const ctx: ComponentContext = { paths: statePaths(opts.root), env: opts.env, log: () => {} };
  return Promise.all([
    postgresStatus(ctx, endpoints.databaseUrl),
    redisStatus(ctx, endpoints.redisUrl),
    kafkaStatus(ctx, endpoints.kafkaBrokers),
    Promise.resolve(binaryStatus('ffmpeg')),
  ]);
}
