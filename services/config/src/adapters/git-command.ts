import { execFile, spawn } from 'node:child_process';

// System git, never a shell: arguments are passed as a list. No prompts (a missing credential
// fails fast instead of hanging), C locale for parseable messages.
const gitEnv = (): NodeJS.ProcessEnv => ({
  ...process.env,
  GIT_TERMINAL_PROMPT: '0',
  GIT_ASKPASS: 'echo',
  LC_ALL: 'C',
});

export class GitError extends Error {
  readonly code: number | null;
  constructor(args: string[], code: number | null, stderr: string) {
    super(
      `git ${args[0] ?? ''} failed${code === null ? '' : ` (exit ${code})`}: ${stderr.trim().split('\n').slice(-3).join(' ') || 'no output'}`,
    );
    this.name = 'GitError';
    this.code = code;
  }
}

export function git(args: string[], options: { cwd?: string; timeoutMs: number }): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      args,
      { cwd: options.cwd, env: gitEnv(), timeout: options.timeoutMs, maxBuffer: 64 * 1024 * 1024, encoding: 'buffer' },
      (error, stdout, stderr) => {
        if (error) {
          const code = typeof error.code === 'number' ? error.code : null;
          reject(
            new GitError(args, code, error.killed ? `timed out after ${options.timeoutMs} ms` : stderr.toString()),
          );
        } else {
          resolve(stdout);
        }
      },
    );
  });
}

/** Runs git with `input` on stdin and returns stdout (for `cat-file --batch`). */
export function gitWithInput(
  args: string[],
  input: string,
  options: { cwd?: string; timeoutMs: number },
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { cwd: options.cwd, env: gitEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(Buffer.concat(out));
      else reject(new GitError(args, code, err));
    });
    child.stdin.end(input);
  });
}
