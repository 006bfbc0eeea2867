import { affectedApplications } from './affected-apps.ts';
import type { Advance, ConfigRepository } from './config-repository.ts';
import type { ChangePublisher, ConfigChange, GitPort, Log } from './ports.ts';

export interface WatcherOptions {
  git: GitPort;
  repository: ConfigRepository;
  /** Null when the change bus is off: changes are served, not announced. */
  publisher: ChangePublisher | null;
  pollMs: number;
  log: Log;
}

export interface WatcherStatus {
  /** Last time the remote was reached; null before the first success. */
  lastCheckAt: Date | null;
  /** Why the remote could not be read or fetched, while that lasts. */
  remoteError: string | null;
  /** Announcements not yet on Kafka (retried on every poll). */
  pending: number;
  publishError: string | null;
}

/**
 * Notices new commits: polls the remote's refs (`git ls-remote`, a few ms) every `pollMs`, and on
 * a change fetches, moves the repository to the new commit if it parses, and announces
 * `config.changed` for the applications whose files changed. A webhook (`POST /monitor`) runs
 * the same check at once. Checks never overlap; a check asked for during one runs right after it.
 */
export class ChangeWatcher {
  private readonly options: WatcherOptions;
  private lastRefs: string | null = null;
  private running: Promise<Advance | null> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly pendingChanges: ConfigChange[] = [];
  private flushing: Promise<void> | undefined;
  private statusValue: WatcherStatus = { lastCheckAt: null, remoteError: null, pending: 0, publishError: null };

  constructor(options: WatcherOptions) {
    this.options = options;
  }

  get status(): WatcherStatus {
    return { ...this.statusValue, pending: this.pendingChanges.length };
  }

  /** First load (errors are reported in status, not thrown), then polling. */
  async start(): Promise<void> {
    await this.check().catch(() => {});
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => {});
    await this.flushing;
  }

  /**
   * Runs one check now (or joins the one running and runs once more after it, so a push that
   * lands during a check is not missed). `force` fetches even when the refs look unchanged.
   */
  check(force = false): Promise<Advance | null> {
    if (this.running) {
      this.again = true;
      if (force) this.lastRefs = null;
      return this.running.then(() => this.running ?? this.check(force));
    }
    if (force) this.lastRefs = null;
    const run = this.checkOnce().finally(() => {
      this.running = undefined;
      if (this.again && !this.stopped) {
        this.again = false;
        void this.check().catch(() => {});
      }
    });
    this.running = run;
    return run;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.check()
        .catch(() => {})
        .finally(() => this.schedule());
    }, this.options.pollMs);
    this.timer.unref();
  }

  private async checkOnce(): Promise<Advance | null> {
    const { git, repository, log } = this.options;
    let advance: Advance | null;
    try {
      const refs = await git.remoteRefs();
      if (refs === this.lastRefs && repository.current) {
        this.markReached();
        this.flush();
        return null;
      }
      await git.fetch();
      advance = await repository.advance();
      this.lastRefs = refs;
      this.markReached();
    } catch (error) {
      const message = (error as Error).message;
      if (this.statusValue.remoteError !== message) log.warn({ err: error }, 'configuration repository check failed');
      this.statusValue.remoteError = message;
      throw error;
    }
    if (advance) this.announce(advance);
    this.flush();
    return advance;
  }

  private markReached(): void {
    if (this.statusValue.remoteError) this.options.log.info({}, 'configuration repository reachable again');
    this.statusValue.lastCheckAt = new Date();
    this.statusValue.remoteError = null;
  }

  private announce(advance: Advance): void {
    if (!this.options.publisher) return;
    // The first load is announced to everyone too: instances that started on a cached (older)
    // configuration while the server was down catch up; the others see their version and skip it.
    const apps = advance.previous === null ? ['*'] : affectedApplications(advance.changedFiles);
    const changedFiles = advance.changedFiles.slice(0, 1000).map((f) => f.slice(0, 512));
    // A newer version supersedes announcements of older ones still waiting.
    this.pendingChanges.length = 0;
    for (const application of apps) this.pendingChanges.push({ application, version: advance.current, changedFiles });
  }

  private flush(): void {
    const publisher = this.options.publisher;
    if (!publisher || this.flushing || this.pendingChanges.length === 0) return;
    this.flushing = (async () => {
      while (this.pendingChanges.length > 0) {
        const change = this.pendingChanges[0] as ConfigChange;
        try {
          await publisher.publish(change);
        } catch (error) {
          const message = (error as Error).message;
          if (this.statusValue.publishError !== message) {
            this.options.log.warn(
              { err: error, application: change.application },
              'config.changed not published yet; will retry',
            );
          }
          this.statusValue.publishError = message;
          return;
        }
        if (this.pendingChanges[0] === change) this.pendingChanges.shift();
        this.statusValue.publishError = null;
        this.options.log.info(change, 'config.changed published');
      }
    })().finally(() => {
      this.flushing = undefined;
    });
  }
}
