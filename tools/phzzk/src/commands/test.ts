import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { allTopicSpecs } from '@phzzk/contracts';
import { ensureTopics } from '@phzzk/kit';
import { ensureBuilt } from '../../../../apps/web/src/platform/build.ts';
import { ensureInfra, stopInfra } from '../infra/index.ts';
import { runLayout } from './layout.ts';
import { log } from './output.ts';

/** The plain closing line CI reads: `tests: N passed, N failed, N skipped`. */
function printCounts(report: string): void {
  if (!existsSync(report)) return;
  const r = JSON.parse(readFileSync(report, 'utf8')) as {
    numPassedTests: number;
    numFailedTests: number;
    numPendingTests: number;
  };
  console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped`);
}

function run(root: string, bin: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(root, bin), ...args], { cwd: root, env, stdio: 'inherit' });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

/**
 * `npm test`: real infrastructure up (reused when it runs), Kafka topics, typecheck, lint, layout, then the
 * whole vitest suite with the endpoints in the environment. Stops the infrastructure it started.
 */
export async function runTest(root: string, args: string[]): Promise<number> {
  const began = Date.now();
  const infra = await ensureInfra({
    root,
    env: process.env,
    log,
    need: { postgres: true, redis: true, kafka: true, ffmpeg: true, chromium: true, gstreamer: true },
  });
  await ensureTopics(infra.endpoints.kafkaBrokers, allTopicSpecs());
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: infra.endpoints.databaseUrl,
    REDIS_URL: infra.endpoints.redisUrl,
    KAFKA_BROKERS: infra.endpoints.kafkaBrokers.join(','),
  };
  let code = 0;
  try {
    log('typecheck (tsc)');
    code = await run(root, 'node_modules/typescript/bin/tsc', ['-p', 'tsconfig.json'], env);
    // The web app's pages and components (JSX, its own settings): the same check `next build` makes.
    if (code === 0) code = await run(root, 'node_modules/typescript/bin/tsc', ['-p', 'apps/web/tsconfig.json'], env);
    if (code === 0) {
      log('lint (biome)');
      code = await run(root, 'node_modules/@biomejs/biome/bin/biome', ['check', '.'], env);
    }
    if (code === 0) {
      log('layout (dependency-cruiser)');
      code = await runLayout(root);
    }
    if (code === 0) {
      // Built once here (stamped in .phzzk/), so that no platform a test starts builds it while
      // timing-sensitive tests run beside it.
      log('web app build (next build, skipped when its sources are unchanged)');
      try {
        await ensureBuilt({ appDir: join(root, 'apps', 'web'), repoRoot: root, stateDir: join(root, '.phzzk'), log });
      } catch (error) {
        log(`web app build failed: ${(error as Error).message}`);
        code = 1;
      }
    }
    if (code === 0) {
      log('tests (vitest)');
      const report = join(root, '.phzzk', 'vitest-report.json');
      rmSync(report, { force: true });
      code = await run(
        root,
        'node_modules/vitest/vitest.mjs',
        ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...args],
        env,
      );
      printCounts(report);
    }
  } finally {
    const ours = infra.components.filter((c) => c.state === 'started');
    if (ours.length > 0 && process.env.PHZZK_KEEP_INFRA !== '1') {
      log(`stopping what this run started: ${ours.map((c) => c.name).join(', ')}`);
      await stopInfra({ root, log });
    }
  }
  log(`${code === 0 ? 'passed' : 'FAILED'} in ${((Date.now() - began) / 1000).toFixed(0)} s`);
  return code;
}
