// Condition waiters and listener sets shared by the packager and the live stream. Waiters are
// re-evaluated synchronously on every state change, so a blocked request resolves in the same tick
// the awaited part is published; no polling, no sleeps.

export type Timers = {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
};

export const systemTimers: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Minimal structured logger (pino-compatible subset), injected so the library stays framework-free. */
export type MediaLogger = {
  warn(obj: Record<string, unknown>, msg?: string): void;
  debug?(obj: Record<string, unknown>, msg?: string): void;
};

export class WaitQueue {
  readonly #pokes = new Set<() => void>();
  readonly #timers: Timers;

  constructor(timers: Timers = systemTimers) {
    this.#timers = timers;
  }

  get size(): number {
    return this.#pokes.size;
  }

  /**
   * Resolves with evaluate()'s first non-undefined value, checked now and after every notify();
   * with `timeoutValue` after timeoutMs, or `abortValue` when the signal aborts (client went away).
   */
  wait<T>(
    evaluate: () => T | undefined,
    timeoutMs: number,
    timeoutValue: T,
    abortValue: T,
    signal?: AbortSignal,
  ): Promise<T> {
    const ready = evaluate();
    if (ready !== undefined) return Promise.resolve(ready);
    if (signal?.aborted) return Promise.resolve(abortValue);
    return new Promise<T>((resolve) => {
      let done = false;
      const finish = (value: T): void => {
        if (done) return;
        done = true;
        this.#pokes.delete(poke);
        this.#timers.clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        resolve(value);
      };
      const poke = (): void => {
        const value = evaluate();
        if (value !== undefined) finish(value);
      };
      const onAbort = (): void => finish(abortValue);
      this.#pokes.add(poke);
      const timer = this.#timers.setTimeout(() => finish(timeoutValue), Math.max(0, timeoutMs));
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  notify(): void {
    for (const poke of [...this.#pokes]) poke();
  }
}

export class Listeners<T> {
  readonly #set = new Set<(value: T) => void>();
  readonly #onError: (err: unknown) => void;

  constructor(onError: (err: unknown) => void) {
    this.#onError = onError;
  }

  /** Returns an unsubscribe function. */
  add(listener: (value: T) => void): () => void {
    this.#set.add(listener);
    return () => {
      this.#set.delete(listener);
    };
  }

  /** A throwing listener (say, a failed disk write) must not break packaging for viewers. */
  emit(value: T): void {
    for (const listener of [...this.#set]) {
      try {
        listener(value);
      } catch (err) {
        this.#onError(err);
      }
    }
  }
}
