import { type Dispatcher, request } from 'undici';
import type { InstanceInfo } from '../domain/instance.ts';
import { REPLICATION_HEADER, type ReplicationTask } from '../domain/replication-queue.ts';
import { decodeInstance, encodeInstance, isObject, type WireObject } from '../domain/instance-codec.ts';

export interface PeerAnswer {
  statusCode: number;
  entity?: InstanceInfo;
}

/** A task as Eureka's ReplicationInstance JSON (`instanceInfo` without its envelope). */
export function encodeReplicationTask(task: ReplicationTask): WireObject {
  return {
    appName: task.appName,
    id: task.id,
    ...(task.lastDirtyTimestamp !== undefined ? { lastDirtyTimestamp: task.lastDirtyTimestamp } : {}),
    ...(task.overriddenStatus ? { overriddenStatus: task.overriddenStatus } : {}),
    ...(task.status ? { status: task.status } : {}),
    ...(task.instance ? { instanceInfo: encodeInstance(task.instance, 'json') } : {}),
    action: task.action,
  };
}

/** HTTP to one peer discovery node (its base URL ends in `/eureka`). */
export class PeerClient {
  readonly baseUrl: string;
  private readonly dispatcher: Dispatcher;
  private readonly timeoutMs: number;
  private readonly auth: Record<string, string>;

  /** `baseUrl` without credentials (it is logged); `authorization` is the Basic header to replicate with. */
  constructor(baseUrl: string, dispatcher: Dispatcher, timeoutMs: number, authorization?: string) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.dispatcher = dispatcher;
    this.timeoutMs = timeoutMs;
    this.auth = authorization ? { authorization } : {};
  }

  /** `POST /peerreplication/batch`, as Eureka peers batch their replication. */
  async sendBatch(tasks: readonly ReplicationTask[]): Promise<PeerAnswer[]> {
    const body = JSON.stringify({ replicationList: tasks.map(encodeReplicationTask) });
    const res = await request(`${this.baseUrl}/peerreplication/batch`, {
      method: 'POST',
      dispatcher: this.dispatcher,
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        [REPLICATION_HEADER]: 'true',
        ...this.auth,
      },
      body,
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const text = await res.body.text();
    if (res.statusCode !== 200)
      throw new Error(`peer ${this.baseUrl} answered ${res.statusCode} to a replication batch`);
    const parsed = JSON.parse(text) as { responseList?: unknown };
    const list = Array.isArray(parsed.responseList) ? parsed.responseList : [];
    return list.map((item): PeerAnswer => {
      const answer = isObject(item) ? item : {};
      const statusCode = typeof answer.statusCode === 'number' ? answer.statusCode : 500;
      let entity: InstanceInfo | undefined;
      try {
        if (isObject(answer.responseEntity)) entity = decodeInstance(answer.responseEntity, Date.now());
      } catch {
        entity = undefined;
      }
      return entity ? { statusCode, entity } : { statusCode };
    });
  }

  /** The peer's whole registry, for a node that starts (`GET /apps` in JSON). */
  async fetchInstances(): Promise<InstanceInfo[]> {
    const res = await request(`${this.baseUrl}/apps`, {
      dispatcher: this.dispatcher,
      headers: { accept: 'application/json', ...this.auth },
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs * 5,
      signal: AbortSignal.timeout(this.timeoutMs * 5),
    });
    const text = await res.body.text();
    if (res.statusCode !== 200) throw new Error(`peer ${this.baseUrl} answered ${res.statusCode} to GET /apps`);
    const body = JSON.parse(text) as { applications?: { application?: unknown } };
    const apps = body.applications?.application;
    const out: InstanceInfo[] = [];
    for (const app of Array.isArray(apps) ? apps : apps ? [apps] : []) {
      if (!isObject(app)) continue;
      const instances = Array.isArray(app.instance) ? app.instance : app.instance ? [app.instance] : [];
      for (const raw of instances) {
        try {
          out.push(decodeInstance(raw, Date.now()));
        } catch {
          // One bad record must not stop the sync of the rest.
        }
      }
    }
    return out;
  }
}
