import type { ServerResponse } from 'node:http';
import type { RegistryChange } from '../domain/delta-log.ts';
import type { RegisteredInstance } from '../domain/instance.ts';
import type { Registry } from '../domain/registry.ts';
import { encodeApplications } from '../domain/applications-codec.ts';

export interface WatchHubOptions {
  /** Identifies this node in event ids, so a resume token is only honoured by the node that issued it. */
  nodeId: string;
  /** Comment lines at this interval keep proxies from closing an idle stream and let clients detect a dead one. */
  heartbeatMs: number;
  /** A watcher that cannot keep up is dropped; it reconnects and starts from a snapshot. */
  maxBufferedBytes?: number;
}

/**
 * Server-Sent Events for `GET /eureka/watch`: a `snapshot` event (the full registry, as
 * `GET /eureka/apps` in JSON), then `delta` events in the `/eureka/apps/delta` format, one per
 * burst of changes. Event ids are `{nodeId}:{version}`; Last-Event-ID resumes from the delta
 * log when the node still has the changes, otherwise the watcher gets a new snapshot.
 */
export class WatchHub {
  private readonly registry: Registry;
  private readonly options: Required<WatchHubOptions>;
  private readonly watchers = new Set<ServerResponse>();
  private pending = new Map<string, RegistryChange>();
  private flushScheduled = false;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly unsubscribe: () => void;

  constructor(registry: Registry, options: WatchHubOptions) {
    this.registry = registry;
    this.options = { maxBufferedBytes: 4 * 1024 * 1024, ...options };
    this.unsubscribe = registry.onChanges((changes) => this.onChanges(changes));
    this.heartbeat = setInterval(() => this.broadcast(': ping\n\n'), options.heartbeatMs);
    this.heartbeat.unref();
  }

  get size(): number {
    return this.watchers.size;
  }

  attach(res: ServerResponse, lastEventId: string | undefined): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.socket?.setNoDelay(true);
    res.write('retry: 500\n\n');
    const missed = this.resumeFrom(lastEventId);
    if (missed) {
      if (missed.length > 0) res.write(this.deltaEvent(missed));
    } else {
      res.write(this.event('snapshot', this.registry.list()));
    }
    this.watchers.add(res);
    res.on('close', () => this.watchers.delete(res));
  }

  /** Ends every stream (on shutdown, so the server can close its connections). */
  close(): void {
    clearInterval(this.heartbeat);
    this.unsubscribe();
    for (const res of this.watchers) res.end();
    this.watchers.clear();
  }

  private resumeFrom(lastEventId: string | undefined): RegistryChange[] | undefined {
    if (!lastEventId) return undefined;
    const separator = lastEventId.lastIndexOf(':');
    if (lastEventId.slice(0, separator) !== this.options.nodeId) return undefined;
    return this.registry.changesSince(Number(lastEventId.slice(separator + 1)));
  }

  private onChanges(changes: readonly RegistryChange[]): void {
    if (this.watchers.size === 0) return;
    for (const change of changes) {
      const key = `${change.instance.info.app}/${change.instance.info.instanceId}`;
      this.pending.delete(key);
      this.pending.set(key, change);
    }
    // Changes made in the same tick (a batch from a peer, an eviction round) go out as one event.
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    const changes = [...this.pending.values()];
    this.pending = new Map();
    if (changes.length > 0) this.broadcast(this.deltaEvent(changes));
  }

  private deltaEvent(changes: readonly RegistryChange[]): string {
    return this.event(
      'delta',
      changes.map((c) => c.instance),
    );
  }

  private event(name: 'snapshot' | 'delta', instances: readonly RegisteredInstance[]): string {
    const version = this.registry.version;
    const applications = encodeApplications(instances, { version, hashCode: this.registry.hashCode() }, 'json');
    return `id: ${this.options.nodeId}:${version}\nevent: ${name}\ndata: ${JSON.stringify({ applications })}\n\n`;
  }

  private broadcast(text: string): void {
    for (const res of this.watchers) {
      if (res.writableLength > this.options.maxBufferedBytes) {
        res.destroy();
        this.watchers.delete(res);
        continue;
      }
      res.write(text);
    }
  }
}
