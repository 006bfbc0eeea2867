import {
  appendFileSync,
  chownSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { formatHostPort, isLocalHost, type PostgresTarget, parseHostPort, parsePostgresUrl } from './endpoints.ts';
import { runCommand, runChecked, tailFile } from './exec.ts';
import { logFile } from './paths.ts';
import { pollUntil } from './poll.ts';
import { probePostgres, probePostgresDetail } from './postgres-probe.ts';
import { isRunning, liveRecord, recordUntilReady, withLock } from './process-registry.ts';
import { aptInstall, canInstallPackages, findExecutable, isRoot, missingPackageError } from './system-package.ts';
import type { ComponentContext, InfraComponentStatus, Log } from './types.ts';

const NAME = 'postgres';
const SERVER_BINARIES = ['initdb', 'pg_ctl', 'postgres'];
const START_TIMEOUT_MS = 60_000;
const INVALID_CATALOG_NAME = '3D000'; // database does not exist

/** Reuses a reachable PostgreSQL, else initialises and runs one in `.phzzk/postgres/data`. */
export async function ensurePostgres(ctx: ComponentContext, databaseUrl: string): Promise<InfraComponentStatus> {
  const target = parsePostgresUrl(databaseUrl);
  const endpoint = formatHostPort(target);
  let { state, sqlState } = await probePostgresDetail(target);
  if (state === 'starting') {
    await waitReady(ctx, target);
    ({ state, sqlState } = await probePostgresDetail(target));
  }
  if (state === 'ready') {
    // The server lets us in but DATABASE_URL's database does not exist yet: create it.
    if (sqlState === INVALID_CATALOG_NAME) await createDatabase(findPostgresBinDir(), target, ctx.log);
    return reachableStatus(ctx, endpoint);
  }
  if (state !== 'closed') {
    throw new Error(`port ${endpoint} is taken by something that is not PostgreSQL; free it or change DATABASE_URL`);
  }
  if (!isLocalHost(target.host)) {
    throw new Error(
      `PostgreSQL at ${endpoint} (DATABASE_URL) is not reachable, and PHZZK starts one only on this machine`,
    );
  }
  return withLock(ctx.paths, NAME, async () => {
    if ((await probePostgres(target)) === 'ready') return reachableStatus(ctx, endpoint);
    const ours = liveRecord(ctx.paths, NAME);
    if (ours && ours.endpoint !== endpoint) {
      throw new Error(
        `PHZZK's PostgreSQL already runs at ${ours.endpoint} (pid ${ours.pid}) on the same data; ` +
          'point DATABASE_URL at it or stop it first (phzzk down)',
      );
    }
    if (ours) {
      await waitReady(ctx, target);
      return { name: NAME, endpoint, state: 'running', pid: ours.pid };
    }
    const pid = await startPostgres(ctx, target);
    return { name: NAME, endpoint, state: 'started', pid };
  });
}

export async function postgresStatus(ctx: ComponentContext, databaseUrl: string): Promise<InfraComponentStatus> {
  const ours = liveRecord(ctx.paths, NAME);
  const configured = parsePostgresUrl(databaseUrl);
  const endpoint = ours?.endpoint ?? formatHostPort(configured);
  const target = ours ? { ...configured, ...parseHostPort(ours.endpoint, configured.port) } : configured;
  const pid = ours ? { pid: ours.pid } : {};
  if ((await probePostgres(target)) !== 'ready') return { name: NAME, endpoint, state: 'down', ...pid };
  return { name: NAME, endpoint, state: ours ? 'running' : 'reused', ...pid };
}

function reachableStatus(ctx: ComponentContext, endpoint: string): InfraComponentStatus {
  const ours = liveRecord(ctx.paths, NAME);
  if (ours && ours.endpoint === endpoint) return { name: NAME, endpoint, state: 'running', pid: ours.pid };
  return { name: NAME, endpoint, state: 'reused' };
}

/**
 * The directory with initdb, pg_ctl and postgres: PATH's pg_ctl (symlinks resolved), then Debian's
 * /usr/lib/postgresql/<major>/bin, newest major first.
 */
export function findPostgresBinDir(): string | undefined {
  const candidates: string[] = [];
  const onPath = findExecutable('pg_ctl');
  if (onPath) candidates.push(dirname(realpathSync(onPath)));
  try {
    const majors = readdirSync('/usr/lib/postgresql')
      .filter((v) => /^\d+(\.\d+)?$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    for (const major of majors) candidates.push(`/usr/lib/postgresql/${major}/bin`);
  } catch {
    // No Debian-style install.
  }
  return candidates.find((dir) => SERVER_BINARIES.every((b) => findExecutable(join(dir, b)) !== undefined));
}

async function ensurePostgresBinDir(log: Log): Promise<string> {
  const found = findPostgresBinDir();
  if (found) return found;
  if (!canInstallPackages()) throw missingPackageError('PostgreSQL server (initdb, pg_ctl, postgres)', 'postgresql');
  await aptInstall(['postgresql'], log);
  const installed = findPostgresBinDir();
  if (!installed) throw new Error('installed postgresql, but initdb/pg_ctl/postgres are still not found');
  return installed;
}

/**
 * PostgreSQL refuses to run as root. As root, run it as the `postgres` system user, or as a
 * `phzzk` system user created for the purpose when there is none.
 */
async function serviceUser(log: Log): Promise<{ name: string; uid: number; gid: number } | undefined> {
  if (!isRoot()) return undefined;
  for (const name of ['postgres', 'phzzk']) {
    const ids = await userIds(name);
    if (ids) return { name, ...ids };
  }
  log('postgres: creating system user phzzk to run PostgreSQL (it refuses to run as root)');
  await runChecked('useradd', ['-r', '-M', '-d', '/nonexistent', '-s', '/usr/sbin/nologin', 'phzzk']);
  const ids = await userIds('phzzk');
  if (!ids) throw new Error('created user phzzk, but cannot look it up');
  return { name: 'phzzk', ...ids };
}

async function userIds(name: string): Promise<{ uid: number; gid: number } | undefined> {
  const uid = await runCommand('id', ['-u', name]);
  const gid = await runCommand('id', ['-g', name]);
  if (uid.code !== 0 || gid.code !== 0) return undefined;
  return { uid: Number(uid.output.trim()), gid: Number(gid.output.trim()) };
}

/** Settings applied on every start (the port may change); included from postgresql.conf. */
export function postgresSettings(target: { host: string; port: number }): string {
  return [
    '# Generated by phzzk (tools/phzzk/src/infra/postgres.ts); rewritten on every start.',
    `listen_addresses = '${target.host}'`,
    `port = ${target.port}`,
    // TCP only: the socket directory would need to be writable by the server user, and clients use DATABASE_URL.
    "unix_socket_directories = ''",
    'max_connections = 200',
    // A disposable development database: durability traded for speed.
    'fsync = off',
    'synchronous_commit = off',
    'full_page_writes = off',
    '',
  ].join('\n');
}

async function startPostgres(ctx: ComponentContext, target: PostgresTarget): Promise<number> {
  const { paths, log } = ctx;
  const bin = await ensurePostgresBinDir(log);
  const user = await serviceUser(log);
  const dataDir = join(paths.postgres, 'data');
  const serverLog = logFile(paths, NAME);
  const as = (binary: string, args: string[]): [string, string[]] =>
    user ? ['runuser', ['-u', user.name, '--', join(bin, binary), ...args]] : [join(bin, binary), args];
  const own = (path: string) => {
    if (user) chownSync(path, user.uid, user.gid);
  };

  mkdirSync(paths.postgres, { recursive: true });
  own(paths.postgres);
  if (!existsSync(serverLog)) writeFileSync(serverLog, '');
  own(serverLog);
  if (user) {
    const access = await runCommand('runuser', ['-u', user.name, '--', 'test', '-w', paths.postgres]);
    if (access.code !== 0) {
      throw new Error(
        `PostgreSQL runs as user ${user.name}, who cannot write ${paths.postgres}: make its parent ` +
          'directories traversable (chmod o+x) or point DATABASE_URL at a running server',
      );
    }
  }

  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    rmSync(dataDir, { recursive: true, force: true }); // an interrupted initdb
    log(`postgres: initdb ${dataDir}`);
    const [cmd, args] = as('initdb', [
      '-D',
      dataDir,
      '-U',
      target.user,
      '--auth=trust',
      '--encoding=UTF8',
      '--locale=C',
      '--no-sync',
    ]);
    await runChecked(cmd, args, { cwd: paths.postgres, timeoutMs: 120_000 });
    appendFileSync(join(dataDir, 'postgresql.conf'), "\ninclude_if_exists = 'phzzk.conf'\n");
  }
  await checkDataVersion(bin, dataDir);
  const settings = join(dataDir, 'phzzk.conf');
  writeFileSync(settings, postgresSettings(target));
  own(settings);

  const started = Date.now();
  log(`postgres: starting at ${formatHostPort(target)}; log ${serverLog}`);
  const [cmd, args] = as('pg_ctl', ['-D', dataDir, '-l', serverLog, '-w', '-t', '60', '-s', 'start']);
  const result = await runCommand(cmd, args, { cwd: paths.postgres, timeoutMs: 90_000 });
  if (result.code !== 0) {
    throw new Error(
      `PostgreSQL did not start (pg_ctl: ${result.output.trim()}); end of ${serverLog}:\n${tailFile(serverLog)}`,
    );
  }
  const pid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const server = { name: NAME, pid, match: dataDir, endpoint: formatHostPort(target), startedAtMs: started };
  return recordUntilReady(paths, log, { ...server, stopSignal: 'SIGINT', logFile: serverLog }, async () => {
    await waitReady(ctx, target, pid);
    await createDatabase(bin, target, log);
  });
}

/** A data dir from another major version cannot be started; say so instead of a pg_ctl riddle. */
async function checkDataVersion(bin: string, dataDir: string): Promise<void> {
  const dataMajor = readFileSync(join(dataDir, 'PG_VERSION'), 'utf8').trim();
  const { output } = await runCommand(join(bin, 'postgres'), ['--version']);
  const binMajor = /(\d+)(?:\.\d+)?/.exec(output)?.[1];
  if (binMajor && binMajor !== dataMajor) {
    throw new Error(
      `${dataDir} was created by PostgreSQL ${dataMajor}, but ${bin} is ${binMajor}; remove ${dirname(dataDir)} to start afresh`,
    );
  }
}

/**
 * DATABASE_URL may name a database other than `postgres`; create it when it is missing. Only
 * asked when the server let us in without a password, so createdb needs none (-w: never prompt).
 */
async function createDatabase(bin: string | undefined, target: PostgresTarget, log: Log): Promise<void> {
  // initdb creates only `postgres` (and the templates), whatever the superuser is called.
  if (['postgres', 'template0', 'template1'].includes(target.database)) return;
  const createdb = (bin && findExecutable(join(bin, 'createdb'))) || findExecutable('createdb');
  if (!createdb) {
    log(`postgres: database ${target.database} may be missing and createdb is not installed to create it`);
    return;
  }
  const env = { ...process.env, ...(target.password ? { PGPASSWORD: target.password } : {}) };
  const result = await runCommand(
    createdb,
    ['-w', '-h', target.host, '-p', String(target.port), '-U', target.user, '--', target.database],
    { env, timeoutMs: 30_000 },
  );
  if (result.code === 0) log(`postgres: created database ${target.database}`);
  else if (!/already exists/.test(result.output)) {
    throw new Error(`createdb ${target.database} failed: ${result.output.trim()}`);
  }
}

async function waitReady(ctx: ComponentContext, target: PostgresTarget, pid?: number): Promise<void> {
  const serverLog = logFile(ctx.paths, NAME);
  await pollUntil(
    async () => {
      if ((await probePostgres(target, 1000)) === 'ready') return true;
      if (pid !== undefined && !isRunning(pid)) {
        throw new Error(`PostgreSQL exited while starting; end of ${serverLog}:\n${tailFile(serverLog)}`);
      }
      return undefined;
    },
    { timeoutMs: START_TIMEOUT_MS, intervalMs: 100, what: `PostgreSQL at ${formatHostPort(target)}` },
  );
}
