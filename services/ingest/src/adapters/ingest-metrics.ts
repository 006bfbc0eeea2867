import { Counter, Gauge, type Registry } from 'prom-client';
import type { IngestObserver, RejectionReason, StreamEndReason } from '../domain/ports.ts';

/** Ingest metrics on the service's /metrics. Gauges read live state when scraped. */
export function createIngestMetrics(
  registry: Registry,
  live: { sessions: () => number; readers: () => number },
): IngestObserver & { bytesIn(n: number): void; slowReader(): void } {
  new Gauge({
    name: 'ingest_sessions_live',
    help: 'Publish sessions on this node',
    registers: [registry],
    collect() {
      this.set(live.sessions());
    },
  });
  new Gauge({
    name: 'ingest_source_readers',
    help: 'HTTP-FLV readers of live sessions on this node',
    registers: [registry],
    collect() {
      this.set(live.readers());
    },
  });
  const bytes = new Counter({
    name: 'ingest_received_bytes_total',
    help: 'Audio, video and script payload bytes received from publishers',
    registers: [registry],
  });
  const rejections = new Counter({
    name: 'ingest_publish_rejections_total',
    help: 'Publishes refused, by reason',
    labelNames: ['reason'],
    registers: [registry],
  });
  const ends = new Counter({
    name: 'ingest_sessions_ended_total',
    help: 'Publish sessions ended, by stream.ended reason',
    labelNames: ['reason'],
    registers: [registry],
  });
  const slow = new Counter({
    name: 'ingest_source_reader_drops_total',
    help: 'Times a slow HTTP-FLV reader was dropped to the next key frame',
    registers: [registry],
  });
  return {
    rejected: (reason: RejectionReason) => rejections.inc({ reason }),
    ended: (reason: StreamEndReason) => ends.inc({ reason }),
    bytesIn: (n: number) => bytes.inc(n),
    slowReader: () => slow.inc(),
  };
}
