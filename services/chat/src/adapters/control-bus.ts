import type { Redis } from '@phzzk/kit';
import type { ChatKeys } from './chat-keys.ts';

/** Changes every node must hear of that are not channel events (they carry no seq). */
export type ControlMessage =
  | { kind: 'rules'; channelId: string }
  | { kind: 'nickname'; userId: string; nickname: string };

export class ControlBus {
  private readonly redis: Redis;
  private readonly keys: ChatKeys;

  constructor(redis: Redis, keys: ChatKeys) {
    this.redis = redis;
    this.keys = keys;
  }

  async publish(message: ControlMessage): Promise<void> {
    await this.redis.publish(this.keys.control(), JSON.stringify(message));
  }

  static parse(raw: string): ControlMessage | undefined {
    try {
      const value = JSON.parse(raw) as ControlMessage;
      if (value.kind === 'rules' && typeof value.channelId === 'string') return value;
      if (value.kind === 'nickname' && typeof value.userId === 'string' && typeof value.nickname === 'string') {
        return value;
      }
    } catch {
      // ignore: only chat nodes publish here
    }
    return undefined;
  }
}
