// Deadlines for tests: wait for a condition or an event, fail with a message after timeoutMs.

export function withDeadline<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms: ${what}`)), timeoutMs);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Re-checks `condition` every 10 ms until it holds; rejects after timeoutMs. */
export function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const started = Date.now();
    const check = () => {
      if (condition()) resolve();
      else if (Date.now() - started > timeoutMs) reject(new Error(`timed out after ${timeoutMs} ms: ${what}`));
      else setTimeout(check, 10);
    };
    check();
  });
}
