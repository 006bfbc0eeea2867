import { Counter, Gauge, type Registry } from 'prom-client';
import type { ChatObserver, CloseReason } from '../domain/ports.ts';

/** Chat's metrics on /metrics: gauges read live state when scraped. */
export function createChatMetrics(
  registry: Registry,
  live: { connections: () => number; feeds: () => number },
): ChatObserver {
  new Gauge({
    name: 'chat_connections',
    help: 'WebSocket connections on this node',
    registers: [registry],
    collect() {
      this.set(live.connections());
    },
  });
  new Gauge({
    name: 'chat_channel_feeds',
    help: 'Channels this node is subscribed to',
    registers: [registry],
    collect() {
      this.set(live.feeds());
    },
  });
  const closes = new Counter({
    name: 'chat_connections_closed_by_server_total',
    help: 'Connections the server closed, by reason',
    labelNames: ['reason'],
    registers: [registry],
  });
  const sends = new Counter({
    name: 'chat_sends_total',
    help: 'Send frames handled, by outcome (ack or error code)',
    labelNames: ['outcome'],
    registers: [registry],
  });
  return {
    closed: (reason: CloseReason) => closes.inc({ reason }),
    sent: (outcome: string) => sends.inc({ outcome }),
  };
}
