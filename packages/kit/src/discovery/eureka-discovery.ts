import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, request } from 'undici';
import type { DiscoveryClient, InstancesListener, ServiceInstance } from './discovery-client.ts';
import { type CredentialedUrl, splitCredentials } from '../security/url-credentials.ts';
import { EventStreamParser } from './eureka-event-stream.ts';
import { EurekaView } from './eureka-view.ts';
import {
  appNameOf,
  type EurekaRecord,
  type ParsedApplications,
  parseApplications,
  registrationBody,
} from './eureka-wire.ts';
import {
  type DiscoveryLogger,
  type EurekaDiscoveryOptions,
  parseEurekaUrls,
  silentDiscoveryLogger,
} from './eureka-options.ts';

/**
 * Discovery through PHZZK discovery or any Eureka server. Registers with a short lease and
 * renews it every second (registering again when the server answers 404, as Eureka clients do);
 * keeps a local view of the registry current through the server's push watch (SSE), falling back
 * to polling `/apps/delta` every second; fails over between discovery nodes in order.
 */
export class EurekaDiscovery implements DiscoveryClient {
  readonly mode = 'eureka';
  private readonly urls: string[];
  /** `Authorization` per URL (from `user:password@` in it); the URLs above carry none. */
  private readonly authorization = new Map<string, string>();
  /** The user this client registers as (the discovery URL's); undefined when it sends no credentials. */
  readonly registrant: string | undefined;
  private readonly renewalIntervalMs: number;
  private readonly leaseDurationSecs: number;
  private readonly pollIntervalMs: number;
  private readonly requestTimeoutMs: number;
  private readonly staleAfterMs: number;
  private readonly useWatch: boolean;
  private readonly logger: DiscoveryLogger;
  private readonly agent = new Agent({ keepAliveTimeout: 30_000, connect: { timeout: 1000 } });
  private readonly view = new EurekaView();
  private readonly listeners = new Set<InstancesListener>();
  private readonly closing = new AbortController();
  /** Servers that answered 404 to the watch: plain Eureka, polled instead. */
  private readonly pollOnly = new Set<string>();
  private self: ServiceInstance | undefined;
  /** This client's own instance after it deregistered, kept out of the view from then on. */
  private cancelled: { app: string; instanceId: string } | undefined;
  private dirtyTimestamp = 0;
  private renewTimer: NodeJS.Timeout | undefined;
  private renewIndex = 0;
  private watchIndex = 0;
  private stream: AbortController | undefined;
  private lastEventId: string | undefined;
  private lastHeardAt = 0;
  private hasView = false;
  private transportValue: 'watch' | 'poll' | 'none' = 'none';
  private firstView: Promise<void>;
  private resolveFirstView!: () => void;
  private readonly watchLoopDone: Promise<void>;

  constructor(options: EurekaDiscoveryOptions) {
    const nodes: CredentialedUrl[] = parseEurekaUrls(options.urls).map(splitCredentials);
    this.urls = nodes.map((n) => n.url);
    for (const n of nodes) if (n.authorization) this.authorization.set(n.url, n.authorization);
    this.registrant = nodes.find((n) => n.username)?.username;
    if (this.urls.length === 0) throw new Error('discovery.eureka.url: no discovery URL given');
    this.renewalIntervalMs = options.renewalIntervalMs ?? 1000;
    this.leaseDurationSecs = options.leaseDurationSecs ?? 3;
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 1000;
    this.staleAfterMs = options.staleAfterMs ?? 5000;
    this.useWatch = options.watch ?? true;
    this.logger = options.logger ?? silentDiscoveryLogger;
    this.firstView = new Promise((resolve) => (this.resolveFirstView = resolve));
    this.watchLoopDone = this.watchLoop();
  }

  /** How the view is kept current right now. */
  get transport(): 'watch' | 'poll' | 'none' {
    return this.transportValue;
  }

  /** Resolves once the first view of the registry arrived (false after `timeoutMs` without one). */
  async ready(timeoutMs = 5000): Promise<boolean> {
    const timeout = sleep(timeoutMs, false, { signal: this.closing.signal, ref: false }).catch(() => false);
    return Promise.race([this.firstView.then(() => true), timeout]);
  }

  async register(self: ServiceInstance): Promise<void> {
    this.self = self;
    this.cancelled = undefined;
    this.dirtyTimestamp = Date.now();
    // A registration that fails is not fatal: the renewal loop keeps trying every node.
    if (!(await this.sendRegistration()))
      this.logger.warn({ urls: this.urls }, 'eureka: no discovery node accepted the registration yet');
    this.scheduleRenewal();
  }

  async deregister(): Promise<void> {
    const self = this.self;
    this.self = undefined;
    clearTimeout(this.renewTimer);
    if (!self) return;
    // A fetch already in flight may still list this instance: it stays out of the view.
    this.cancelled = { app: appNameOf(self.serviceId), instanceId: self.instanceId };
    this.notify(this.view.remove(appNameOf(self.serviceId), self.instanceId));
    for (let i = 0; i < this.urls.length; i++) {
      const url = this.urls[(this.renewIndex + i) % this.urls.length]!;
      try {
        const status = await this.call(
          'DELETE',
          `${url}/apps/${appNameOf(self.serviceId)}/${encodeURIComponent(self.instanceId)}`,
        );
        if (status === 200 || status === 404) return;
      } catch (error) {
        this.logger.debug({ url, err: error }, 'eureka: cancel failed, trying the next node');
      }
    }
    this.logger.warn({ urls: this.urls }, 'eureka: no discovery node took the cancel; the lease will expire');
  }

  instances(serviceId: string): ServiceInstance[] {
    return this.view.instances(serviceId);
  }

  services(): string[] {
    return this.view.services();
  }

  watch(listener: InstancesListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  healthy(): boolean {
    if (!this.hasView || this.transportValue === 'none') return false;
    const limit =
      this.transportValue === 'poll' ? Math.max(this.staleAfterMs, 3 * this.pollIntervalMs) : this.staleAfterMs;
    return Date.now() - this.lastHeardAt <= limit;
  }

  async close(): Promise<void> {
    clearTimeout(this.renewTimer);
    this.self = undefined;
    this.closing.abort();
    this.stream?.abort();
    await this.watchLoopDone;
    this.listeners.clear();
    await this.agent.destroy();
  }

  // --- registration and renewal -------------------------------------------------------------

  private async sendRegistration(): Promise<boolean> {
    const self = this.self;
    if (!self) return false;
    const body = registrationBody(
      self,
      {
        renewalIntervalInSecs: Math.max(1, Math.round(this.renewalIntervalMs / 1000)),
        durationInSecs: this.leaseDurationSecs,
      },
      this.dirtyTimestamp,
    );
    for (let i = 0; i < this.urls.length && !this.closing.signal.aborted; i++) {
      const url = this.urls[this.renewIndex]!;
      try {
        const status = await this.call('POST', `${url}/apps/${appNameOf(self.serviceId)}`, body);
        if (status === 204 || status === 200) return true;
        this.logger.warn({ url, status }, 'eureka: registration refused');
      } catch (error) {
        this.logger.debug({ url, err: error }, 'eureka: registration failed, trying the next node');
      }
      this.renewIndex = (this.renewIndex + 1) % this.urls.length;
    }
    return false;
  }

  /** Renews every interval, measured from the start of the previous renewal. */
  private scheduleRenewal(delayMs = this.renewalIntervalMs): void {
    clearTimeout(this.renewTimer);
    if (!this.self || this.closing.signal.aborted) return;
    this.renewTimer = setTimeout(() => {
      const started = Date.now();
      void this.renew().finally(() =>
        this.scheduleRenewal(Math.max(0, this.renewalIntervalMs - (Date.now() - started))),
      );
    }, delayMs);
    this.renewTimer.unref();
  }

  /** One renewal; a node that fails is left for the next one at once, so the lease never lapses. */
  private async renew(): Promise<void> {
    for (let i = 0; i < this.urls.length; i++) {
      const self = this.self;
      if (!self || this.closing.signal.aborted) return;
      const url = this.urls[this.renewIndex]!;
      const path = `${url}/apps/${appNameOf(self.serviceId)}/${encodeURIComponent(self.instanceId)}`;
      try {
        const status = await this.call(
          'PUT',
          `${path}?status=${self.status}&lastDirtyTimestamp=${this.dirtyTimestamp}`,
        );
        if (status === 200) return;
        if (status === 404) {
          // The node does not know us (it restarted, or evicted us): register again, as Eureka clients do.
          await this.sendRegistration();
          return;
        }
        this.logger.warn({ url, status }, 'eureka: renewal refused');
      } catch (error) {
        this.logger.debug({ url, err: error }, 'eureka: renewal failed, trying the next node');
      }
      this.renewIndex = (this.renewIndex + 1) % this.urls.length;
    }
  }

  /** The node's Basic credentials (as a header) for a request to `url`. */
  private authFor(url: string): Record<string, string> {
    for (const [base, authorization] of this.authorization) {
      if (url === base || url.startsWith(`${base}/`)) return { authorization };
    }
    return {};
  }

  private async call(method: 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown): Promise<number> {
    const res = await request(url, {
      method,
      dispatcher: this.agent,
      headers: {
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...this.authFor(url),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      headersTimeout: this.requestTimeoutMs,
      bodyTimeout: this.requestTimeoutMs,
      signal: AbortSignal.any([this.closing.signal, AbortSignal.timeout(this.requestTimeoutMs)]),
    });
    await res.body.dump();
    return res.statusCode;
  }

  // --- the view: watch, or poll ---------------------------------------------------------------

  private async watchLoop(): Promise<void> {
    let failures = 0;
    while (!this.closing.signal.aborted) {
      const url = this.urls[this.watchIndex]!;
      let failed = false;
      try {
        if (this.useWatch && !this.pollOnly.has(url)) await this.streamFrom(url);
        else await this.pollFrom(url);
      } catch (error) {
        failed = !this.closing.signal.aborted;
        if (failed) this.logger.debug({ url, err: error }, 'eureka: lost the registry view, trying the next node');
      }
      if (this.closing.signal.aborted) break;
      this.transportValue = 'none';
      if (failed) {
        failures++;
        this.watchIndex = (this.watchIndex + 1) % this.urls.length;
        // The first retry goes to the next node at once; after a full round, back off a little.
        if (failures >= this.urls.length) {
          await sleep(Math.min(1000, 50 * 2 ** Math.min(failures - this.urls.length, 5)), undefined, {
            signal: this.closing.signal,
            ref: false,
          }).catch(() => {});
        }
      } else {
        failures = 0;
      }
    }
  }

  /** Follows the watch stream until it ends; returns early (switching to polling) on a 404. */
  private async streamFrom(url: string): Promise<void> {
    const controller = new AbortController();
    this.stream = controller;
    const signal = AbortSignal.any([this.closing.signal, controller.signal]);
    const res = await request(`${url}/watch`, {
      dispatcher: this.agent,
      headers: {
        accept: 'text/event-stream',
        ...(this.lastEventId ? { 'last-event-id': this.lastEventId } : {}),
        ...this.authFor(url),
      },
      headersTimeout: this.requestTimeoutMs,
      // No byte (not even the server's heartbeat) for this long: the stream is dead.
      bodyTimeout: this.staleAfterMs,
      signal,
    });
    if (res.statusCode === 404 || res.statusCode === 405) {
      await res.body.dump();
      this.logger.info({ url }, 'eureka: no watch endpoint on this server, polling /apps/delta');
      this.pollOnly.add(url);
      return;
    }
    if (res.statusCode !== 200) {
      await res.body.dump();
      throw new Error(`watch answered ${res.statusCode}`);
    }
    this.transportValue = 'watch';
    this.lastHeardAt = Date.now();
    const parser = new EventStreamParser();
    res.body.setEncoding('utf8');
    for await (const chunk of res.body as AsyncIterable<string>) {
      this.lastHeardAt = Date.now();
      for (const event of parser.feed(chunk)) {
        if (event.event !== 'snapshot' && event.event !== 'delta') continue;
        const apps = parseApplications(JSON.parse(event.data));
        const inSync = event.event === 'snapshot' ? this.applySnapshot(apps) : this.applyDelta(apps);
        if (!inSync) {
          // The view drifted: start over from a snapshot of the same node.
          this.lastEventId = undefined;
          controller.abort();
          return;
        }
        this.lastEventId = event.id;
      }
    }
    throw new Error('watch stream ended');
  }

  /** Classic Eureka client behaviour: a full fetch, then `/apps/delta` every poll interval. */
  private async pollFrom(url: string): Promise<void> {
    this.applySnapshot(await this.fetchApplications(`${url}/apps`));
    this.transportValue = 'poll';
    while (!this.closing.signal.aborted) {
      await sleep(this.pollIntervalMs, undefined, { signal: this.closing.signal, ref: false }).catch(() => {});
      if (this.closing.signal.aborted) return;
      if (!this.applyDelta(await this.fetchApplications(`${url}/apps/delta`))) {
        this.applySnapshot(await this.fetchApplications(`${url}/apps`));
      }
    }
  }

  private async fetchApplications(url: string): Promise<ParsedApplications> {
    const res = await request(url, {
      dispatcher: this.agent,
      headers: { accept: 'application/json', ...this.authFor(url) },
      headersTimeout: this.requestTimeoutMs,
      bodyTimeout: this.requestTimeoutMs * 5,
      signal: AbortSignal.any([this.closing.signal, AbortSignal.timeout(this.requestTimeoutMs * 5)]),
    });
    const text = await res.body.text();
    if (res.statusCode !== 200) throw new Error(`${url} answered ${res.statusCode}`);
    this.lastHeardAt = Date.now();
    return parseApplications(JSON.parse(text));
  }

  /** The records without this client's own instance once it has deregistered. */
  private withoutCancelled(records: EurekaRecord[]): EurekaRecord[] {
    const c = this.cancelled;
    if (!c) return records;
    return records.filter((r) => r.actionType === 'DELETED' || r.app !== c.app || r.instanceId !== c.instanceId);
  }

  private applySnapshot(apps: ParsedApplications): true {
    this.notify(this.view.replace(this.withoutCancelled(apps.instances)));
    this.markViewed();
    return true;
  }

  /** Applies a delta; false when the result does not match the server's reconcile hash. */
  private applyDelta(apps: ParsedApplications): boolean {
    const records = this.withoutCancelled(apps.instances);
    this.notify(this.view.apply(records));
    // Leaving out our cancelled instance makes the hashes differ until the server drops it too.
    if (
      records.length === apps.instances.length &&
      apps.hashCode !== undefined &&
      apps.hashCode !== this.view.hashCode()
    ) {
      this.logger.debug({ server: apps.hashCode, local: this.view.hashCode() }, 'eureka: view out of sync, refetching');
      return false;
    }
    this.markViewed();
    return true;
  }

  private markViewed(): void {
    this.lastHeardAt = Date.now();
    if (!this.hasView) {
      this.hasView = true;
      this.resolveFirstView();
    }
  }

  private notify(changed: Set<string>): void {
    for (const serviceId of changed) {
      const instances = this.view.instances(serviceId);
      for (const listener of this.listeners) listener(serviceId, instances);
    }
  }
}
