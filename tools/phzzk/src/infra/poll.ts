export interface PollOptions {
  timeoutMs: number;
  intervalMs?: number;
  /** what is being waited for, for the timeout message */
  what: string;
}

/**
 * Polls `check` until it returns a value other than undefined, or throws at the deadline. `check`
 * may throw to abort early (e.g. the process being waited for has died).
 */
export async function pollUntil<T>(check: () => Promise<T | undefined>, opts: PollOptions): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs;
  const interval = opts.intervalMs ?? 200;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() >= deadline) throw new Error(`timed out after ${opts.timeoutMs} ms waiting for ${opts.what}`);
    await new Promise((r) => setTimeout(r, interval));
  }
}
