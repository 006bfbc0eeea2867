import { type DiscoveryClient, instanceUrl } from '@phzzk/kit';
import type { LoadBalancer } from '../domain/load-balancer.ts';

/**
 * Probes every routed instance's /health/liveness in the background, so a hung or dead instance
 * is taken out of rotation before a client request has to find out. It only restores instances
 * it took out itself; breakers opened by real traffic close through traffic.
 */
export class ActiveHealthChecker {
  private readonly ejected = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private readonly discovery: DiscoveryClient;
  private readonly balancer: LoadBalancer;
  private readonly services: () => string[];
  private readonly intervalMs: number;

  constructor(options: {
    discovery: DiscoveryClient;
    balancer: LoadBalancer;
    services: () => string[];
    intervalMs: number;
  }) {
    this.discovery = options.discovery;
    this.balancer = options.balancer;
    this.services = options.services;
    this.intervalMs = options.intervalMs;
  }

  start(): void {
    const tick = async () => {
      await this.checkAll().catch(() => {});
      this.timer = setTimeout(tick, this.intervalMs);
      this.timer.unref();
    };
    this.timer = setTimeout(tick, this.intervalMs);
    this.timer.unref();
  }

  async checkAll(): Promise<void> {
    const instances = [...new Set(this.services())].flatMap((s) => this.discovery.instances(s));
    await Promise.all(
      instances.map(async (i) => {
        const ok = await fetch(`${instanceUrl(i)}/health/liveness`, {
          signal: AbortSignal.timeout(Math.min(1000, this.intervalMs)),
        })
          .then((r) => r.ok)
          .catch(() => false);
        if (!ok) {
          this.balancer.eject(i.instanceId);
          this.ejected.add(i.instanceId);
        } else if (this.ejected.delete(i.instanceId)) {
          this.balancer.success(i.instanceId);
        }
      }),
    );
  }

  stop(): void {
    clearTimeout(this.timer);
  }
}
