import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatHostPort, type HostPort, isLocalHost, parseBroker } from './endpoints.ts';
import { fileSize, runChecked, tailFile } from './exec.ts';
import { kafkaJvmOptions, kafkaLog4j2Properties, kafkaServerProperties, newClusterId } from './kafka-config.ts';
import { ensureKafkaJars, KAFKA_VERSION } from './kafka-jars.ts';
import { probeKafka } from './kafka-probe.ts';
import { ensureJava } from './java.ts';
import { logFile } from './paths.ts';
import { pollUntil } from './poll.ts';
import { isRunning, liveRecord, recordUntilReady, spawnDetached, withLock } from './process-registry.ts';
import { canConnect, type ProbeState } from './tcp-probe.ts';
import type { ComponentContext, InfraComponentStatus } from './types.ts';

const NAME = 'kafka';
const START_TIMEOUT_MS = 120_000;
// A broker binds its port a little before it answers; one that is not ours gets this long.
const FOREIGN_GRACE_MS = 20_000;

/** Reuses a reachable broker, else runs a single-node KRaft broker from the official jars. */
export async function ensureKafka(ctx: ComponentContext, brokers: string[]): Promise<InfraComponentStatus> {
  const targets = brokers.map(parseBroker);
  const endpoint = brokers.join(',');
  const reachable = await firstReady(targets);
  if (reachable) return reachableStatus(ctx, reachable, endpoint);

  const target = targets[0];
  if (targets.length !== 1 || !target || !isLocalHost(target.host)) {
    throw new Error(
      `Kafka at ${endpoint} does not answer, and PHZZK starts a broker only for a single local address (e.g. KAFKA_BROKERS=127.0.0.1:9092)`,
    );
  }
  return withLock(ctx.paths, NAME, async () => {
    const state = await probeKafka(target, 1000);
    if (state === 'ready') return reachableStatus(ctx, target, endpoint);
    const ours = liveRecord(ctx.paths, NAME);
    if (ours && ours.endpoint !== formatHostPort(target)) {
      throw new Error(
        `PHZZK's Kafka already runs at ${ours.endpoint} (pid ${ours.pid}) on the same data; ` +
          `use KAFKA_BROKERS=${ours.endpoint} or stop it first (phzzk down)`,
      );
    }
    if (ours) {
      // Started by another phzzk process a moment ago: wait for it rather than start a second one.
      await waitReady(ctx, target, ours.pid);
      return { name: NAME, endpoint, state: 'running', pid: ours.pid };
    }
    if (state !== 'closed') {
      await waitForeign(target, state);
      return reachableStatus(ctx, target, endpoint);
    }
    const pid = await startKafka(ctx, target);
    return { name: NAME, endpoint, state: 'started', pid };
  });
}

export async function kafkaStatus(ctx: ComponentContext, brokers: string[]): Promise<InfraComponentStatus> {
  const ours = liveRecord(ctx.paths, NAME);
  const endpoint = ours?.endpoint ?? brokers.join(',');
  const targets = ours ? [parseBroker(ours.endpoint)] : brokers.map(parseBroker);
  const ready = await firstReady(targets);
  const pid = ours ? { pid: ours.pid } : {};
  if (!ready) return { name: NAME, endpoint, state: 'down', ...pid };
  return { name: NAME, endpoint, state: ours ? 'running' : 'reused', ...pid };
}

async function firstReady(targets: HostPort[]): Promise<HostPort | undefined> {
  const states = await Promise.all(targets.map((t) => probeKafka(t)));
  return targets[states.indexOf('ready')];
}

function reachableStatus(ctx: ComponentContext, target: HostPort, endpoint: string): InfraComponentStatus {
  const ours = liveRecord(ctx.paths, NAME);
  if (ours && ours.endpoint === formatHostPort(target))
    return { name: NAME, endpoint, state: 'running', pid: ours.pid };
  return { name: NAME, endpoint, state: 'reused' };
}

async function waitForeign(target: HostPort, first: ProbeState): Promise<void> {
  const state = await pollUntil(
    async () => {
      const s = await probeKafka(target, 1000);
      return s === 'ready' || s === 'foreign' ? s : undefined;
    },
    { timeoutMs: first === 'foreign' ? 0 : FOREIGN_GRACE_MS, what: 'Kafka' },
  ).catch(() => 'silent' as const);
  if (state !== 'ready') {
    throw new Error(
      `port ${formatHostPort(target)} is taken by something that does not answer as a Kafka broker; ` +
        'free it or point KAFKA_BROKERS elsewhere',
    );
  }
}

async function startKafka(ctx: ComponentContext, target: HostPort): Promise<number> {
  const { paths, log } = ctx;
  const controllerPort = Number(ctx.env.PHZZK_KAFKA_CONTROLLER_PORT) || target.port + 1;
  const controller = { host: target.host, port: controllerPort };
  if (await canConnect(controller)) {
    throw new Error(
      `Kafka's controller port ${formatHostPort(controller)} is already in use; free it or set PHZZK_KAFKA_CONTROLLER_PORT`,
    );
  }
  const java = await ensureJava(ctx.env, log);
  const libs = await ensureKafkaJars({ paths, log });
  const dataDir = join(paths.kafka, 'data');
  const configFile = join(paths.kafka, 'server.properties');
  const log4jFile = join(paths.kafka, 'log4j2.properties');
  const brokerLog = logFile(paths, NAME);
  mkdirSync(paths.kafka, { recursive: true });
  writeFileSync(configFile, kafkaServerProperties({ broker: target, controllerPort, logDir: dataDir }));
  writeFileSync(log4jFile, kafkaLog4j2Properties(brokerLog));
  const classpath = ['-cp', join(libs, '*')];
  const log4j = `-Dlog4j2.configurationFile=${log4jFile}`;

  if (!existsSync(join(dataDir, 'meta.properties'))) {
    // Anything without meta.properties is an interrupted format; start that over.
    rmSync(dataDir, { recursive: true, force: true });
    const clusterId = newClusterId();
    log(`kafka: formatting ${dataDir} (cluster id ${clusterId})`);
    await runChecked(
      java,
      ['-Xmx256m', log4j, ...classpath, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', configFile],
      { timeoutMs: 120_000 },
    );
  }

  const started = Date.now();
  const logStart = { broker: fileSize(brokerLog), stdout: fileSize(logFile(paths, `${NAME}.stdout`)) };
  log(`kafka: starting Apache Kafka ${KAFKA_VERSION} (KRaft) at ${formatHostPort(target)}; log ${brokerLog}`);
  const pid = await spawnDetached({
    command: java,
    args: [
      ...kafkaJvmOptions(ctx.env),
      log4j,
      `-Dkafka.logs.dir=${paths.logs}`,
      ...classpath,
      'kafka.Kafka',
      configFile,
    ],
    logFile: logFile(paths, `${NAME}.stdout`),
    cwd: paths.kafka,
  });
  const server = { name: NAME, pid, match: configFile, endpoint: formatHostPort(target), startedAtMs: started };
  return recordUntilReady(paths, log, { ...server, stopSignal: 'SIGTERM', logFile: brokerLog }, () =>
    waitReady(ctx, target, pid, logStart),
  );
}

async function waitReady(
  ctx: ComponentContext,
  target: HostPort,
  pid: number,
  logStart = { broker: 0, stdout: 0 },
): Promise<void> {
  const brokerLog = logFile(ctx.paths, NAME);
  const stdoutLog = logFile(ctx.paths, `${NAME}.stdout`);
  await pollUntil(
    async () => {
      if ((await probeKafka(target, 1000)) === 'ready') return true;
      if (!isRunning(pid)) {
        // JVM start-up failures land on stdout, broker failures in the log4j file.
        const output = [tailFile(stdoutLog, 10, logStart.stdout), tailFile(brokerLog, 20, logStart.broker)];
        throw new Error(
          `Kafka exited while starting (logs: ${brokerLog}, ${stdoutLog}):\n${output.filter(Boolean).join('\n')}`,
        );
      }
      return undefined;
    },
    { timeoutMs: START_TIMEOUT_MS, intervalMs: 250, what: `Kafka at ${formatHostPort(target)} (see ${brokerLog})` },
  );
}
