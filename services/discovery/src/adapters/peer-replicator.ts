import type { InstanceInfo } from '../domain/instance.ts';
import { ReplicationQueue, type ReplicationTask } from '../domain/replication-queue.ts';
import type { ReplicationSink } from '../domain/discovery-node.ts';
import type { PeerClient } from './peer-client.ts';

type Logger = { warn: (obj: object, msg: string) => void; debug: (obj: object, msg: string) => void };

export type PeerAnswerHandler = (task: ReplicationTask, statusCode: number, entity: InstanceInfo | undefined) => void;

interface PeerState {
  client: PeerClient;
  queue: ReplicationQueue;
  inFlight: boolean;
  retry: NodeJS.Timeout | undefined;
  failures: number;
  lastSuccessAt: number | undefined;
  sentBatches: number;
  failedBatches: number;
}

export interface PeerStatus {
  url: string;
  queued: number;
  reachable: boolean;
  sentBatches: number;
  failedBatches: number;
}

/**
 * Sends replication tasks to every peer: tasks queued in the same tick leave together as one
 * `peerreplication/batch` request, one request in flight per peer, the next batch as soon as the
 * previous answers. A peer that does not answer gets the batch again later with backoff
 * (heartbeats excepted: newer ones will come).
 */
export class PeerReplicator implements ReplicationSink {
  private readonly peers: PeerState[];
  private readonly batchSize: number;
  private readonly logger: Logger;
  private onAnswer: PeerAnswerHandler = () => {};
  private closed = false;

  constructor(clients: readonly PeerClient[], options: { batchSize?: number; logger: Logger }) {
    this.peers = clients.map((client) => ({
      client,
      queue: new ReplicationQueue(),
      inFlight: false,
      retry: undefined,
      failures: 0,
      lastSuccessAt: undefined,
      sentBatches: 0,
      failedBatches: 0,
    }));
    this.batchSize = options.batchSize ?? 250;
    this.logger = options.logger;
  }

  /** Set once the node exists (the node needs this sink, the handler needs the node). */
  handleAnswers(handler: PeerAnswerHandler): void {
    this.onAnswer = handler;
  }

  replicate(task: ReplicationTask): void {
    if (this.closed) return;
    for (const peer of this.peers) {
      peer.queue.push(task);
      this.schedule(peer);
    }
  }

  status(): PeerStatus[] {
    return this.peers.map((p) => ({
      url: p.client.baseUrl,
      queued: p.queue.size,
      reachable: p.failures === 0 && p.lastSuccessAt !== undefined,
      sentBatches: p.sentBatches,
      failedBatches: p.failedBatches,
    }));
  }

  close(): void {
    this.closed = true;
    for (const peer of this.peers) clearTimeout(peer.retry);
  }

  private schedule(peer: PeerState): void {
    if (peer.inFlight || peer.retry || this.closed) return;
    peer.inFlight = true;
    setImmediate(() => void this.send(peer));
  }

  private async send(peer: PeerState): Promise<void> {
    const batch = peer.queue.take(this.batchSize);
    if (batch.length === 0 || this.closed) {
      peer.inFlight = false;
      return;
    }
    try {
      const answers = await peer.client.sendBatch(batch);
      peer.failures = 0;
      peer.lastSuccessAt = Date.now();
      peer.sentBatches++;
      batch.forEach((task, i) => {
        const answer = answers[i];
        if (answer && answer.statusCode >= 300) this.onAnswer(task, answer.statusCode, answer.entity);
      });
    } catch (error) {
      peer.failures++;
      peer.failedBatches++;
      peer.queue.putBack(batch);
      const delay = Math.min(2000, 100 * 2 ** Math.min(peer.failures, 5));
      if (peer.failures === 1)
        this.logger.warn({ peer: peer.client.baseUrl, err: error }, 'peer replication failed; retrying');
      peer.retry = setTimeout(() => {
        peer.retry = undefined;
        this.schedule(peer);
      }, delay);
      peer.retry.unref();
    } finally {
      peer.inFlight = false;
    }
    if (peer.queue.size > 0) this.schedule(peer);
  }
}
