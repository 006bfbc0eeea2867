import type { Redis } from '@phzzk/kit';
import type { FeedMessageHandler, FeedSource } from '../domain/ports.ts';
import type { ChannelEventKind } from '../domain/sequencing.ts';
import type { ChatKeys } from './chat-keys.ts';

export type { FeedMessageHandler };

/**
 * The nodes' side of the fan-out: one Redis pub/sub subscription per node per channel with clients
 * here, on a connection of its own. Pub/sub may lose or repeat nothing while connected but drops
 * what is sent while it reconnects: the feeds repair any gap from the log (see channel-feeds.ts).
 */
export class RedisFeedSource implements FeedSource {
  private readonly subscriber: Redis;
  private readonly keys: ChatKeys;
  private readonly handlers = new Map<string, FeedMessageHandler>();
  private controlHandler: ((message: string) => void) | undefined;
  private reconnectHandler: (() => void) | undefined;
  private wasReady = false;

  constructor(redis: Redis, keys: ChatKeys) {
    this.keys = keys;
    this.subscriber = redis.duplicate({ connectionName: 'chat-feed' });
    this.subscriber.on('error', () => {});
    this.subscriber.on('ready', () => {
      if (this.wasReady) this.reconnectHandler?.();
      this.wasReady = true;
    });
    const prefixLength = keys.feed('').length;
    this.subscriber.on('message', (channel: string, message: string) => {
      if (channel === keys.control()) {
        this.controlHandler?.(message);
        return;
      }
      const handler = this.handlers.get(channel.slice(prefixLength));
      if (!handler) return;
      const first = message.indexOf(' ');
      const second = message.indexOf(' ', first + 1);
      if (first < 0 || second < 0) return;
      handler(
        Number.parseInt(message.slice(0, first), 10),
        message.slice(first + 1, second) as ChannelEventKind,
        message.slice(second + 1),
      );
    });
  }

  get healthy(): boolean {
    return this.subscriber.status === 'ready';
  }

  async subscribe(channelId: string, handler: FeedMessageHandler): Promise<void> {
    this.handlers.set(channelId, handler);
    await this.subscriber.subscribe(this.keys.feed(channelId));
  }

  async unsubscribe(channelId: string): Promise<void> {
    this.handlers.delete(channelId);
    await this.subscriber.unsubscribe(this.keys.feed(channelId)).catch(() => {});
  }

  /** Messages on the control channel (changes that are not channel events). */
  async onControl(handler: (message: string) => void): Promise<void> {
    this.controlHandler = handler;
    await this.subscriber.subscribe(this.keys.control());
  }

  /** Called after the subscriber reconnected (what was published meanwhile is lost to it). */
  onReconnect(handler: () => void): void {
    this.reconnectHandler = handler;
  }

  close(): void {
    this.subscriber.disconnect();
  }
}
