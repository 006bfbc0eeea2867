import { fork } from 'node:child_process';
import { join } from 'node:path';
import type { PacedLoadOptions, PacedRun } from './paced-load.ts';

export interface PacedLoadProcess {
  pid: number;
  run(options: PacedLoadOptions): Promise<PacedRun>;
  stop(): Promise<void>;
}

/**
 * The paced load generator in a process of its own, which does nothing else and runs a full GC
 * before each run. In the benchmark's own process it shared a heap with autocannon's results, and
 * that heap's major GCs (18 ms pauses, V8's memory reducer) fell inside paced rounds: every run
 * showed one round of 15–35 ms p99 for whichever proxy was being measured then.
 */
export function startPacedLoadProcess(): PacedLoadProcess {
  const child = fork(join(import.meta.dirname, 'paced-load-child.ts'), [], {
    execArgv: ['--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    pid: child.pid as number,
    run: (options) =>
      new Promise<PacedRun>((resolve, reject) => {
        const onExit = (code: number | null) => reject(new Error(`the load generator exited with ${code}`));
        child.once('exit', onExit);
        child.once('message', (message: { result?: PacedRun; error?: string }) => {
          child.off('exit', onExit);
          if (message.result) resolve(message.result);
          else reject(new Error(message.error ?? 'the load generator failed'));
        });
        child.send(options);
      }),
    stop: async () => {
      if (child.connected) child.disconnect();
      await exited;
    },
  };
}
