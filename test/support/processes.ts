import { type ChildProcess, spawn } from 'node:child_process';

export interface Proc {
  child: ChildProcess;
  pid: number;
  /** stderr (and stdout unless it is piped for data), for failure messages. */
  output(): string;
  exited: Promise<number | null>;
  running(): boolean;
  /** Signals this process (by its pid only) and waits for it; SIGKILL after `graceMs`. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<number | null>;
}

/** Spawns a program we own and keep track of by pid; nothing else is ever signalled. */
export function run(
  command: string,
  args: string[],
  options: { stdin?: 'pipe' | 'ignore'; stdout?: 'pipe' | 'capture' | 'ignore' } = {},
): Proc {
  const stdout = options.stdout ?? 'capture';
  const child = spawn(command, args, {
    stdio: [options.stdin ?? 'ignore', stdout === 'ignore' ? 'ignore' : 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`could not start ${command}`);
  let output = '';
  const keep = (d: Buffer) => {
    output += d;
    if (output.length > 64_000) output = output.slice(-32_000);
  };
  child.stderr?.on('data', keep);
  if (stdout === 'capture') child.stdout?.on('data', keep);
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      exitCode = code;
      resolve(code);
    }),
  );
  const running = () => exitCode === undefined;
  return {
    child,
    pid: child.pid,
    output: () => output,
    exited,
    running,
    async stop(signal = 'SIGTERM', graceMs = 5000) {
      if (!running()) return exitCode ?? null;
      process.kill(child.pid as number, signal);
      const timer = setTimeout(() => {
        if (running()) process.kill(child.pid as number, 'SIGKILL');
      }, graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
