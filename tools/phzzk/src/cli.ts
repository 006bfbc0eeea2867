#!/usr/bin/env node
// phzzk: the one entry for running PHZZK locally. `npm start` = `phzzk up`, `npm test` = `phzzk test`.
import { fileURLToPath } from 'node:url';
import { runBench } from './commands/bench.ts';
import { runDown } from './commands/down.ts';
import { runLayout } from './commands/layout.ts';
import { runLogs } from './commands/logs.ts';
import { runStartOne } from './commands/start-one.ts';
import { runStatus } from './commands/status.ts';
import { runTest } from './commands/test.ts';
import { runUp } from './commands/up.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const [command = 'help', ...args] = process.argv.slice(2);

const usage = `usage: phzzk <command>
  up [--detach]        set up and start the whole platform (npm start); Ctrl-C stops it
  down [--keep-infra]  stop every PHZZK process and the infrastructure PHZZK started
  status               infrastructure and service instances with their health
  logs <service> [-f]  show (and follow) a service's logs
  start <service>      start one more instance of a service
  layout               check the dependency rules of ARCHITECTURE.md (part of test)
  test [vitest args]   bring infrastructure up and run the whole test suite (npm test)
  bench                run the benchmarks, write bench/results/*.json and a table`;

const commands: Record<string, () => Promise<number>> = {
  up: () => runUp(root, args),
  down: () => runDown(root, args),
  status: () => runStatus(root),
  logs: () => runLogs(root, args),
  start: () => runStartOne(root, args),
  layout: () => runLayout(root),
  test: () => runTest(root, args),
  bench: () => runBench(root, args),
  help: async () => {
    console.log(usage);
    return 0;
  },
};

const run = commands[command];
if (!run) {
  console.error(`phzzk: unknown command "${command}"\n${usage}`);
  process.exit(2);
}
try {
  process.exitCode = await run();
} catch (error) {
  console.error(`\nphzzk ${command}: ${(error as Error).message}`);
  process.exitCode = 1;
}
