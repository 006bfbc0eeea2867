export type CheckResult = { ok: boolean; detail?: string };
export type HealthCheck = () => Promise<CheckResult> | CheckResult;

export interface HealthReportData {
  status: 'up' | 'down';
  checks: Record<string, { status: 'up' | 'down'; detail?: string; critical: boolean }>;
}

/**
 * Named dependency checks. A critical check that fails makes the instance not ready (503);
 * a non-critical one is reported but does not take the instance out of rotation.
 */
export class HealthRegistry {
  private readonly checks = new Map<string, { check: HealthCheck; critical: boolean }>();
  private readonly timeoutMs: number;

  constructor(timeoutMs = 1500) {
    this.timeoutMs = timeoutMs;
  }

  register(name: string, check: HealthCheck, options: { critical?: boolean } = {}): void {
    this.checks.set(name, { check, critical: options.critical ?? true });
  }

  async report(): Promise<HealthReportData> {
    const entries = await Promise.all(
      [...this.checks].map(async ([name, { check, critical }]) => {
        const result = await this.runWithTimeout(check);
        const entry = {
          status: result.ok ? ('up' as const) : ('down' as const),
          critical,
          ...(result.detail ? { detail: result.detail } : {}),
        };
        return [name, entry] as const;
      }),
    );
    const checks = Object.fromEntries(entries);
    const ready = entries.every(([, e]) => e.status === 'up' || !e.critical);
    return { status: ready ? 'up' : 'down', checks };
  }

  private async runWithTimeout(check: HealthCheck): Promise<CheckResult> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        Promise.resolve().then(check),
        new Promise<CheckResult>((resolve) => {
          timer = setTimeout(
            () => resolve({ ok: false, detail: `no answer within ${this.timeoutMs} ms` }),
            this.timeoutMs,
          );
        }),
      ]);
    } catch (error) {
      return { ok: false, detail: error instanceof Error ? error.message : String(error) };
    } finally {
      clearTimeout(timer);
    }
  }
}
