import { allTopicSpecs } from '@phzzk/contracts';
import { ensureTopics } from '@phzzk/kit';
import { type EnsureInfraOptions, ensureInfra, type InfraComponentStatus, stopInfra } from '../infra/index.ts';
import { fixedPorts, homeOf, logDirOf, platformEnv, portFor, runDirOf } from './platform-env.ts';
import { ensureLocalCredentials, servicePrivateKeyEnv } from './local-credentials.ts';
import { type RunRecord, readRunRecords, readStarting } from './run-files.ts';
import { listServices, type ServiceEntry } from './service-catalog.ts';
import { launchInstance, stopInstances } from './service-launcher.ts';

/** `.phzzk/config-repo`: a git repository made from the tracked config/ folder on first start. */
type LocalRepoModule = { ensureLocalConfigRepo(root: string, home: string): Promise<string> };

export interface PlatformOptions {
  root: string;
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
  detached: boolean;
  need?: EnsureInfraOptions['need'];
}

export interface PlatformUp {
  components: InfraComponentStatus[];
  instances: RunRecord[];
  started: RunRecord[];
}

async function prepare(options: PlatformOptions) {
  const { root, env, log } = options;
  const infra = await ensureInfra({ root, env, log, ...(options.need ? { need: options.need } : {}) });
  const created = await ensureTopics(infra.endpoints.kafkaBrokers, allTopicSpecs());
  if (created.length > 0) log(`created Kafka topics: ${created.join(', ')}`);
  const services = listServices(root);
  if (services.some((s) => s.name === 'config')) {
    // The config service owns how its default repository is made; loaded only when it exists.
    const specifier = '@phzzk/config/local-repo';
    const { ensureLocalConfigRepo } = (await import(specifier)) as LocalRepoModule;
    await ensureLocalConfigRepo(root, homeOf(root, env));
  }
  // Created once, kept afterwards: every service of this home gets the same credentials.
  // Each service of the catalog (and the operator) has its own key pair for /internal calls.
  const credentials = ensureLocalCredentials(
    homeOf(root, env),
    services.map((s) => s.name),
  );
  return { infra, services, credentials };
}

function serviceEnv(options: PlatformOptions, prepared: Awaited<ReturnType<typeof prepare>>, service: ServiceEntry) {
  const running = readRunRecords(runDirOf(options.root, options.env));
  const byService = Map.groupBy(running, (r) => r.service);
  const names = new Set(prepared.services.map((s) => s.name));
  const env = platformEnv(
    options.root,
    prepared.infra.endpoints,
    {
      discovery: names.has('discovery') && service.name !== 'discovery' ? 'eureka' : 'static',
      // Without a discovery service, services find the ones started before them from configuration.
      staticInstances: [...byService].map(([s, rs]) => `${s}=${rs.map((r) => r.url).join(',')}`).join(';'),
      withConfigServer: names.has('config') && service.name !== 'config' && service.name !== 'discovery',
      credentials: prepared.credentials,
    },
    options.env,
  );
  // Its own private key only, unless the user brought the key pairs (then theirs stand).
  if (options.env.SECURITY_SERVICE_PUBLIC_KEYS === undefined) {
    delete env.SECURITY_SERVICE_PRIVATE_KEY;
    Object.assign(env, servicePrivateKeyEnv(prepared.credentials, service.name));
  }
  const first = !byService.has(service.name);
  env.SERVER_PORT = portFor(service.name, options.env, first);
  // The first ingest takes the RTMP port publishers know (1935); more instances take free ones.
  if (service.name === 'ingest') env.INGEST_RTMP_PORT = first ? String(fixedPorts(options.env).rtmp) : '0';
  return env;
}

/**
 * Brings the whole platform up: infrastructure, topics, then every service that is not running
 * yet, in start order, each waited on until healthy. Running instances are reused.
 */
export async function platformUp(options: PlatformOptions): Promise<PlatformUp> {
  const prepared = await prepare(options);
  const runDir = runDirOf(options.root, options.env);
  const started: RunRecord[] = [];
  for (const service of prepared.services) {
    if (readRunRecords(runDir).some((r) => r.service === service.name)) continue;
    options.log(`starting ${service.name} ...`);
    const record = await launchInstance(service, {
      root: options.root,
      env: serviceEnv(options, prepared, service),
      runDir,
      logDir: logDirOf(options.root, options.env),
      detached: options.detached,
    });
    started.push(record);
    options.log(`  ${service.name} healthy at ${record.url} (pid ${record.pid})`);
  }
  return { components: prepared.infra.components, instances: readRunRecords(runDir), started };
}

/** `phzzk start <service>`: one more instance of a service, joined to the running platform. */
export async function startOneMore(options: PlatformOptions, serviceName: string): Promise<RunRecord> {
  const prepared = await prepare(options);
  const service = prepared.services.find((s) => s.name === serviceName);
  if (!service) {
    throw new Error(`no service "${serviceName}"; services: ${prepared.services.map((s) => s.name).join(', ')}`);
  }
  return launchInstance(service, {
    root: options.root,
    env: serviceEnv(options, prepared, service),
    runDir: runDirOf(options.root, options.env),
    logDir: logDirOf(options.root, options.env),
    detached: true,
  });
}

/** Stops every PHZZK service process (gateway first, discovery last), then the infrastructure PHZZK started. */
export async function platformDown(options: {
  root: string;
  env?: NodeJS.ProcessEnv;
  log: (l: string) => void;
  keepInfra?: boolean;
}) {
  const runDir = runDirOf(options.root, options.env);
  // Starts an interrupted `up` left behind (no run file yet): stopped first, they serve nobody.
  const starting = readStarting(runDir);
  if (starting.length > 0) {
    options.log(`stopping starts left behind: ${starting.map((s) => `${s.main} (pid ${s.pid})`).join(', ')}`);
    await stopInstances(starting);
  }
  const records = readRunRecords(runDir);
  const order = new Map(listServices(options.root).map((s) => [s.name, s.order]));
  const byOrder = Map.groupBy(records, (r) => order.get(r.service) ?? 50);
  for (const key of [...byOrder.keys()].sort((a, b) => b - a)) {
    const group = byOrder.get(key) ?? [];
    options.log(`stopping ${group.map((r) => `${r.service} (pid ${r.pid})`).join(', ')}`);
    await stopInstances(group);
  }
  if (!options.keepInfra) await stopInfra({ root: options.root, log: options.log });
}

export { listServices, readRunRecords, type ServiceEntry };
