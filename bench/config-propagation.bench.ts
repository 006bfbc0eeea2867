// Configuration propagation: the whole platform as `npm start` runs it (own PHZZK_HOME and ports),
// plus two extra user instances; then commits to the configuration repository and measures the
// time until every running instance's /info shows the new commit as its configVersion.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureLocalCredentials, readRunRecords, runDirOf } from '@phzzk/tools/orchestrator';
import { freePort, repoRoot } from '@phzzk/testing';
import { type Figure, percentile, round, writeResult } from './lib/results.ts';

const COMMITS = Number(process.env.BENCH_CONFIG_COMMITS ?? 8);

function phzzk(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(repoRoot, 'tools/phzzk/src/cli.ts'), ...args], {
      env,
      stdio: 'inherit',
    });
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

const home = mkdtempSync(join(tmpdir(), 'phzzk-bench-config-'));
const env = {
  ...process.env,
  PHZZK_HOME: home,
  PHZZK_PORTS: `gateway=${await freePort()},discovery=${await freePort()},config=${await freePort()},rtmp=${await freePort()}`,
  LOG_LEVEL: 'warn',
};

try {
  if ((await phzzk(['up', '--detach'], env)) !== 0) throw new Error('phzzk up failed');
  for (let i = 0; i < 2; i++)
    if ((await phzzk(['start', 'user'], env)) !== 0) throw new Error('phzzk start user failed');
  const instances = readRunRecords(runDirOf(repoRoot, env)).filter(
    (r) => r.service !== 'config' && r.service !== 'discovery',
  );
  console.log(`measuring ${instances.length} instances: ${instances.map((r) => r.instanceId).join(', ')}`);
  const repo = join(home, 'config-repo');
  const file = join(repo, 'application.yml');
  const original = readFileSync(file, 'utf8');
  const times: number[] = [];
  for (let i = 0; i < COMMITS; i++) {
    writeFileSync(file, `${original}\n# bench ${i}\nbench:\n  marker: ${i}\n`);
    execFileSync('git', [
      '-C',
      repo,
      '-c',
      'user.name=bench',
      '-c',
      'user.email=bench@localhost',
      'commit',
      '-qam',
      `bench ${i}`,
    ]);
    const committedAt = performance.now();
    const version = execFileSync('git', ['-C', repo, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
    const pending = new Set(instances.map((r) => r.url));
    const deadline = committedAt + 15_000;
    while (pending.size > 0 && performance.now() < deadline) {
      await Promise.all(
        [...pending].map(async (url) => {
          // The gateway shows /info to operators only.
          const headers = { authorization: `Bearer ${ensureLocalCredentials(home)['gateway.operator-token']}` };
          const info = (await (await fetch(`${url}/info`, { headers })).json()) as { configVersion: string | null };
          if (info.configVersion === version) pending.delete(url);
        }),
      );
      if (pending.size > 0) await new Promise((r) => setTimeout(r, 10));
    }
    if (pending.size > 0) throw new Error(`commit ${i} not applied by ${[...pending].join(', ')} within 15 s`);
    times.push(performance.now() - committedAt);
    console.log(
      `commit ${i}: all ${instances.length} instances on ${version.slice(0, 8)} after ${Math.round(times.at(-1)!)} ms`,
    );
  }
  const sorted = [...times].sort((a, b) => a - b);
  const figures: Figure[] = [
    {
      metric: `commit -> applied by all ${instances.length} instances, p50`,
      value: round(percentile(sorted, 50) / 1000),
      unit: 's',
      reference: 'Spring Cloud Bus: 30-50 s seen',
      target: '< 2 s',
    },
    {
      metric: `commit -> applied by all ${instances.length} instances, max of ${COMMITS}`,
      value: round(sorted.at(-1)! / 1000),
      unit: 's',
      target: '< 2 s',
    },
  ];
  writeResult(
    'config-propagation',
    figures,
    `platform services: ${[...new Set(instances.map((r) => r.service))].join(', ')} (+2 extra user instances)`,
  );
} finally {
  await phzzk(['down', '--keep-infra'], env);
  rmSync(home, { recursive: true, force: true });
}
