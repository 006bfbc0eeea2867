import { randomBytes, randomUUID } from 'node:crypto';
import { deadLetterTopic, type LiveInfo, type StreamStarted, Topics } from '@phzzk/contracts';
import { identityHeaders, internalCallHeaders, StaticDiscovery, startService } from '@phzzk/kit';
import {
  ApiClient,
  KafkaProbe,
  publishStreamEnded,
  publishUserRegistered,
  serviceTestBed,
  waitFor,
} from '@phzzk/testing';
import pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { channelService } from '../src/service.ts';

/** Headers the gateway sets for a signed-in caller, signed (services trust only these). */
export const asUser = (id: string) => identityHeaders({ userId: id, sessionId: randomUUID(), roles: ['user'] });

type ChannelBody = { id: string; ownerNickname: string; title: string; followerCount: number; live: LiveInfo };

/**
 * A channel service on a fresh schema, its own consumer group and Redis prefix, against the real
 * PostgreSQL, Redis and Kafka; plus a producer for test events and a probe on what it publishes.
 */
export async function startChannelService(env: Record<string, string> = {}) {
  const bed = await serviceTestBed('channel', [Topics.userEvents, Topics.channelEvents]);
  const { infra, brokers, schema, group, producer } = bed;
  const running = await startService(channelService, {
    env: {
      ...bed.env,
      CHANNEL_CONSUMER_GROUP: group,
      CHANNEL_REDIS_KEY_PREFIX: `phzzk:test:${group}:`,
      CHANNEL_LIVE_VIEWERS_KEY: `phzzk:test:${group}:live-viewers`,
      CHANNEL_STREAM_KEY_SECRET: randomBytes(24).toString('base64url'),
      LOG_LEVEL: 'silent',
      ...env,
    },
    discovery: new StaticDiscovery([]),
  });
  const probe = await KafkaProbe.start(brokers, [
    Topics.channelEvents,
    deadLetterTopic(Topics.channelEvents.name),
    deadLetterTopic(Topics.userEvents.name),
  ]);
  // /internal is called as the ingest service calls it (a signed service credential).
  const api = new ApiClient(running.url).withSigner((method, path) =>
    path.startsWith('/internal/') ? internalCallHeaders(method, path, { service: 'ingest' }) : {},
  );
  const db = new pg.Pool({ connectionString: infra.databaseUrl, max: 2 });

  /** Waits until the service has processed (and committed) the event with this id. */
  function processed(eventId: string) {
    return waitFor(
      async () =>
        (await db.query(`select 1 from ${schema.name}.processed_events where event_id = $1`, [eventId])).rowCount,
      { what: `event ${eventId} to be processed` },
    );
  }

  /** Signs a user up (as the user service announces it) and waits for the channel to exist. */
  async function registerUser(nickname = `s${randomBytes(4).toString('hex')}`) {
    const userId = uuidv7();
    const event = await publishUserRegistered(producer, userId, nickname);
    const headers = asUser(userId);
    const channel = await waitFor(
      async () => {
        const res = await api.get<ChannelBody>('/api/channels/me', headers);
        return res.status === 200 ? res.body : undefined;
      },
      { what: `the channel of ${nickname}` },
    );
    return { userId, nickname, headers, channel, event };
  }

  function streamStarted(channelId: string, overrides: Partial<StreamStarted['data']> = {}) {
    return producer.publish(Topics.channelEvents, 'stream.started', {
      sessionId: uuidv7(),
      channelId,
      ingestNode: 'ingest-test',
      sourceUrl: 'rtmp://127.0.0.1:1935/live/source',
      video: { codec: 'avc1.64001f', width: 1920, height: 1080, fps: 30 },
      audio: { codec: 'mp4a.40.2', sampleRate: 48000, channels: 2 },
      bitrateKbps: 6000,
      startedAt: new Date().toISOString(),
      ...overrides,
    });
  }

  function streamEnded(channelId: string, sessionId: string, endedAt = new Date()) {
    return publishStreamEnded(producer, channelId, sessionId, endedAt);
  }

  /** Waits until GET /live satisfies the predicate. */
  function waitForLive(channelId: string, predicate: (live: LiveInfo) => boolean, what = 'the live state') {
    return waitFor(
      async () => {
        const res = await api.get<LiveInfo>(`/api/channels/${channelId}/live`);
        return res.status === 200 && predicate(res.body) ? res.body : undefined;
      },
      { what },
    );
  }

  return {
    infra,
    schema,
    group,
    liveViewersKey: `phzzk:test:${group}:live-viewers`,
    running,
    api,
    producer,
    probe,
    registerUser,
    streamStarted,
    streamEnded,
    waitForLive,
    processed,
    db,
    async stop() {
      await running.stop();
      await db.end();
      await probe.stop();
      await bed.close();
    },
  };
}

export type ChannelHarness = Awaited<ReturnType<typeof startChannelService>>;
