import type { Logger } from '../logging/logger.ts';

type Closer = { name: string; close: () => Promise<void> | void };

/** Resources a service opened, closed in reverse order of opening on shutdown. */
export class Lifecycle {
  private readonly closers: Closer[] = [];
  private closing: Promise<void> | undefined;

  onClose(name: string, close: () => Promise<void> | void): void {
    this.closers.push({ name, close });
  }

  close(logger: Logger): Promise<void> {
    this.closing ??= (async () => {
      for (const closer of [...this.closers].reverse()) {
        try {
          await closer.close();
        } catch (error) {
          logger.warn({ err: error, resource: closer.name }, 'error while closing');
        }
      }
    })();
    return this.closing;
  }
}
