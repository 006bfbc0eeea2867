// When a supervised ffmpeg dies: how long to wait before the next run. The delay function is a
// hook (the transcoder passes kit's backoffDelay); a run that lasted stableRunMs resets the count.

export interface RestartPolicy {
  /** Delay before restart number `attempt` (0, 1, ...). */
  delayMs(attempt: number): number;
  /** A run at least this long counts as healthy: the next failure starts again from attempt 0. */
  stableRunMs: number;
}

export class RestartBackoff {
  private attempt = 0;
  private readonly policy: RestartPolicy;

  constructor(policy: RestartPolicy) {
    this.policy = policy;
  }

  /** The delay before the next run, given how long the last one lasted (0 when it never started). */
  next(lastRunMs: number): number {
    if (lastRunMs >= this.policy.stableRunMs) this.attempt = 0;
    return this.policy.delayMs(this.attempt++);
  }
}
