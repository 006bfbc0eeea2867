import { type Redis, defineScript, type ScriptCall } from '@phzzk/kit';
import type { RenditionContinuity } from '../domain/continuity.ts';
import { type TranscodeSession, parseSession } from '../domain/transcode-session.ts';
import type { SessionStore } from '../domain/ports.ts';
import type { TranscoderKeys } from './redis-keys.ts';

// Records a started session unless it has ended already (events may be redelivered or replayed).
const PUT_STARTED = `
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1`;

// Removes the session only if the channel's current session is this one, and remembers the end.
const MARK_ENDED = `
redis.call('SET', KEYS[2], '1', 'EX', ARGV[3])
local current = redis.call('HGET', KEYS[1], ARGV[1])
if not current then return 0 end
local ok, decoded = pcall(cjson.decode, current)
if ok and type(decoded) == 'table' and decoded['sessionId'] ~= ARGV[2] then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
return 1`;

const ENDED_MARKER_SECONDS = 7 * 24 * 3600;
/** Numbering is kept a day after a channel's last segment (URIs stay unique across sessions). */
const CONTINUITY_SECONDS = 24 * 3600;

/** The durable record of live sessions and their numbering, shared by every instance. */
export class RedisSessionStore implements SessionStore {
  private readonly redis: Redis;
  private readonly keys: TranscoderKeys;
  private readonly putStartedScript: ScriptCall;
  private readonly markEndedScript: ScriptCall;

  constructor(redis: Redis, keys: TranscoderKeys) {
    this.redis = redis;
    this.keys = keys;
    this.putStartedScript = defineScript(redis, PUT_STARTED);
    this.markEndedScript = defineScript(redis, MARK_ENDED);
  }

  /** true when recorded; false when the session had ended already. */
  async putStarted(session: TranscodeSession): Promise<boolean> {
    const result = await this.putStartedScript(
      [this.keys.sessions, this.keys.ended(session.sessionId)],
      [session.channelId, JSON.stringify(session)],
    );
    return result === 1;
  }

  /** true when the session was removed from the live set. */
  async markEnded(channelId: string, sessionId: string): Promise<boolean> {
    const result = await this.markEndedScript(
      [this.keys.sessions, this.keys.ended(sessionId)],
      [channelId, sessionId, ENDED_MARKER_SECONDS],
    );
    return result === 1;
  }

  async all(): Promise<TranscodeSession[]> {
    const raw = await this.redis.hgetall(this.keys.sessions);
    const sessions: TranscodeSession[] = [];
    for (const [channelId, json] of Object.entries(raw)) {
      const session = parseSession(json);
      if (session && session.channelId === channelId) sessions.push(session);
    }
    return sessions;
  }

  async continuity(channelId: string): Promise<RenditionContinuity[]> {
    const raw = await this.redis.hgetall(this.keys.continuity(channelId));
    const states: RenditionContinuity[] = [];
    for (const json of Object.values(raw)) {
      try {
        const s = JSON.parse(json) as RenditionContinuity;
        if ([s.nextMsn, s.discontinuitySequence, s.nextInitId].every(Number.isInteger)) states.push(s);
      } catch {
        // a broken value only costs numbering continuity for that rendition
      }
    }
    return states;
  }

  async saveContinuity(channelId: string, rendition: string, state: RenditionContinuity): Promise<void> {
    const key = this.keys.continuity(channelId);
    await this.redis.multi().hset(key, rendition, JSON.stringify(state)).expire(key, CONTINUITY_SECONDS).exec();
  }
}
