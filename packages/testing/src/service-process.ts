import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serviceEntry } from '@phzzk/tools/orchestrator';
import { repoRoot } from './infra.ts';
import { waitFor } from './wait-for.ts';

export interface ServiceProcess {
  service: string;
  url: string;
  pid: number;
  child: ChildProcess;
  output: () => string;
  /** Sends a signal and waits for the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Runs a service's real main.ts as its own process (as `npm start` does) and waits until it
 * listens and reports healthy.
 */
export async function startServiceProcess(
  service: string,
  env: Record<string, string>,
  options: { healthy?: boolean; timeoutMs?: number; main?: string } = {},
): Promise<ServiceProcess> {
  const runDir = mkdtempSync(join(tmpdir(), `phzzk-${service}-`));
  // The service's own main runs with the Node flags it declares, as under `npm start`.
  const entry = options.main ? { main: options.main, nodeArgs: [] } : serviceEntry(repoRoot, service);
  const child = spawn(process.execPath, [...entry.nodeArgs, entry.main], {
    cwd: repoRoot,
    env: { ...process.env, ...env, PHZZK_RUN_DIR: runDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let exitCode: number | null | undefined;
  exited.then((c) => (exitCode = c));
  try {
    const info = await waitFor(
      () => {
        if (exitCode !== undefined) throw new Error(`${service} exited with ${exitCode}:\n${output}`);
        const file = readdirSync(runDir).find((f) => f.endsWith('.json'));
        return file
          ? (JSON.parse(readFileSync(join(runDir, file), 'utf8')) as { url: string; pid: number })
          : undefined;
      },
      { timeoutMs: options.timeoutMs ?? 30_000, what: `${service} to listen` },
    );
    if (options.healthy !== false) {
      await waitFor(async () => (await fetch(`${info.url}/health`)).status === 200, {
        timeoutMs: options.timeoutMs ?? 30_000,
        what: `${service} to be healthy`,
      });
    }
    return {
      service,
      url: info.url,
      pid: info.pid,
      child,
      output: () => output,
      async stop(signal: NodeJS.Signals = 'SIGTERM') {
        if (exitCode === undefined) child.kill(signal);
        const code = await exited;
        rmSync(runDir, { recursive: true, force: true });
        return code;
      },
    };
  } catch (error) {
    child.kill('SIGKILL');
    rmSync(runDir, { recursive: true, force: true });
    throw error;
  }
}
