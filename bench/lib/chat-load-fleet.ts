import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import type { FleetCommand, FleetCounts, FleetReply, FleetReport, SystemKind } from './chat-load-protocol.ts';
import { LatencyHistogram } from './latency-histogram.ts';

/** Every process's report added up. */
export interface FleetTotals extends FleetCounts {
  histogram: LatencyHistogram;
}

/**
 * The chat benchmark's load generator: `clients` connections spread over processes of their own
 * (at most `perProcess` each: file descriptors, and one core's worth of parsing), none of them the
 * benchmark's. The senders live in the first process.
 */
export class ChatLoadFleet {
  private readonly workers: ChildProcess[];
  readonly clients: number;

  private constructor(workers: ChildProcess[], clients: number) {
    this.workers = workers;
    this.clients = clients;
  }

  static async connect(options: {
    kind: SystemKind;
    urls: string[];
    clients: number;
    senderHeaders: Record<string, string>[];
    perProcess: number;
  }): Promise<{ fleet: ChatLoadFleet; connected: number; failed: number; reasons: string[]; ms: number }> {
    const processes = Math.max(1, Math.ceil(options.clients / options.perProcess));
    const workers = Array.from({ length: processes }, () =>
      fork(join(import.meta.dirname, 'chat-load-worker.ts'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }),
    );
    const fleet = new ChatLoadFleet(workers, options.clients);
    const share = Math.ceil(options.clients / processes);
    const replies = await Promise.all(
      workers.map((w, i) => {
        const clients = Math.min(share, options.clients - i * share);
        return fleet.ask(w, {
          op: 'connect',
          kind: options.kind,
          urls: options.urls,
          offset: i * share,
          clients,
          senderHeaders: i === 0 ? options.senderHeaders : [],
          concurrency: 50,
        });
      }),
    );
    let connected = 0;
    let failed = 0;
    let ms = 0;
    const reasons: string[] = [];
    for (const r of replies) {
      if (r.op !== 'connected') throw new Error(`a load process failed: ${JSON.stringify(r)}`);
      connected += r.connected;
      failed += r.failed;
      reasons.push(...r.reasons);
      ms = Math.max(ms, r.ms);
    }
    return { fleet, connected, failed, reasons: [...new Set(reasons)], ms };
  }

  private ask(worker: ChildProcess, command: FleetCommand): Promise<FleetReply> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`a load process exited with ${code}`));
      worker.once('exit', onExit);
      worker.once('message', (reply: FleetReply) => {
        worker.off('exit', onExit);
        if (reply.op === 'failed') reject(new Error(reply.error));
        else resolve(reply);
      });
      worker.send(command);
    });
  }

  async all(command: FleetCommand): Promise<FleetReply[]> {
    return Promise.all(this.workers.map((w) => this.ask(w, command)));
  }

  /** Sent to the process with the senders only. */
  async senders(command: FleetCommand): Promise<void> {
    await this.ask(this.workers[0]!, command);
  }

  async report(): Promise<FleetTotals> {
    const reports = (await this.all({ op: 'report' })) as FleetReport[];
    const totals: FleetTotals = {
      histogram: new LatencyHistogram(),
      deliveries: 0,
      sent: 0,
      errors: 0,
      closed: 0,
      resumed: 0,
      gaps: 0,
      duplicates: 0,
      lastResumeAt: 0,
      open: 0,
    };
    for (const r of reports) {
      totals.histogram.add(new LatencyHistogram(r.histogram));
      totals.deliveries += r.deliveries;
      totals.sent += r.sent;
      totals.errors += r.errors;
      totals.closed += r.closed;
      totals.resumed += r.resumed;
      totals.gaps += r.gaps;
      totals.duplicates += r.duplicates;
      totals.lastResumeAt = Math.max(totals.lastResumeAt, r.lastResumeAt);
      totals.open += r.open;
    }
    return totals;
  }

  async close(): Promise<void> {
    await this.all({ op: 'close' }).catch(() => null);
    await Promise.all(
      this.workers.map(
        (w) =>
          new Promise<void>((resolve) => {
            if (w.exitCode !== null || w.signalCode !== null) return resolve();
            w.once('exit', () => resolve());
            w.disconnect();
          }),
      ),
    );
  }
}
