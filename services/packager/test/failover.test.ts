import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Topics, topicSpecs } from '@phzzk/contracts';
import { createLogger, EventProducer, ensureTopics } from '@phzzk/kit';
import {
  ApiClient,
  freshSchema,
  KafkaProbe,
  publishStreamEnded,
  type ServiceProcess,
  startServiceProcess,
  testInfra,
  uniqueName,
  waitFor,
} from '@phzzk/testing';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMediaPlaylist } from './support/hls.ts';
import { consuming } from './support/packager.ts';
import { encodeRun, removeDir, SessionWriter } from './support/session-media.ts';

/**
 * Two packager processes (their real main.ts) share a schema, a consumer group and the storage.
 * One is killed (SIGKILL) as the broadcast ends; the other finalizes the VOD, once.
 */
describe('packager: an instance killed while a broadcast ends', () => {
  const procs: ServiceProcess[] = [];
  let root: string;
  let schema: ReturnType<typeof freshSchema>;
  let producer: EventProducer;
  let probe: KafkaProbe;

  beforeAll(async () => {
    const infra = await testInfra();
    await ensureTopics(infra.kafkaBrokers, topicSpecs([Topics.channelEvents, Topics.vodEvents]));
    root = await mkdtemp(join(tmpdir(), 'phzzk-packager-failover-'));
    schema = freshSchema(infra.databaseUrl, 'packager_failover');
    const env = {
      DATABASE_URL: infra.databaseUrl,
      DATABASE_SCHEMA: schema.name,
      KAFKA_BROKERS: infra.kafkaBrokers.join(','),
      STORAGE_ROOT: root,
      PACKAGER_CONSUMER_GROUP: uniqueName('packager_failover'),
      PACKAGER_CONSUMER_START_FROM: 'latest',
      PACKAGER_FINALIZE_SETTLE_MS: '60000',
      DISCOVERY_MODE: 'static',
      LOG_LEVEL: 'warn',
    };
    // One after the other: the first applies the migrations.
    procs.push(await startServiceProcess('packager', env, { timeoutMs: 90_000 }));
    procs.push(await startServiceProcess('packager', env, { timeoutMs: 90_000 }));
    for (const p of procs) await consuming(p.url);
    const logger = createLogger({ service: 'packager-test', instanceId: 'failover', level: 'silent' });
    producer = new EventProducer({ brokers: infra.kafkaBrokers, producer: 'packager-test', logger });
    probe = await KafkaProbe.start(infra.kafkaBrokers, [Topics.vodEvents]);
  }, 240_000);

  afterAll(async () => {
    for (const p of procs) await p.stop('SIGKILL').catch(() => {});
    await probe?.stop();
    await producer?.close();
    await schema?.drop();
    if (root) await removeDir(root);
  }, 30_000);

  it('the surviving instance finalizes the VOD and publishes vod.ready once', async () => {
    const [a, b] = procs as [ServiceProcess, ServiceProcess];
    const media = await encodeRun(6);
    const channelId = uuidv7();
    const sessionId = uuidv7();
    const writer = new SessionWriter(root, sessionId);
    await producer.publish(Topics.channelEvents, 'stream.started', {
      sessionId,
      channelId,
      ingestNode: 'ingest-test',
      sourceUrl: 'http://127.0.0.1:1/source.flv',
      video: null,
      audio: null,
      bitrateKbps: null,
      startedAt: new Date().toISOString(),
    });
    const apiB = new ApiClient(b.url);
    const vod = await waitFor(
      async () => {
        const res = await apiB.get<{ items: { id: string; sessionId: string }[] }>(`/api/vods?channelId=${channelId}`);
        return res.body.items?.find((v) => v.sessionId === sessionId);
      },
      { what: 'the VOD', timeoutMs: 90_000 },
    );
    await writer.append(media);

    // The end, and at once one instance dies (whichever holds the partition, or not).
    await publishStreamEnded(producer, channelId, sessionId);
    await a.stop('SIGKILL');
    // The transcoder finishes the session after that: only then is the media complete.
    await writer.finish(await (await fetch(`${b.url}/vod/${vod.id}/master.m3u8`)).text());

    await waitFor(async () => (await apiB.get<{ status: string }>(`/api/vods/${vod.id}`)).body.status === 'ready', {
      what: 'the surviving instance to finalize the VOD',
      timeoutMs: 40_000,
      intervalMs: 100,
    });
    const playlist = parseMediaPlaylist(await (await fetch(`${b.url}/vod/${vod.id}/hi/playlist.m3u8`)).text());
    expect(playlist).toMatchObject({ type: 'VOD', endList: true });
    expect(playlist.duration).toBeCloseTo(media.duration, 3);
    await probe.waitFor((m) => m.event?.type === 'vod.ready' && (m.event.data as { vodId: string }).vodId === vod.id);
    const readies = probe.messages.filter(
      (m) => m.event?.type === 'vod.ready' && (m.event.data as { vodId: string }).vodId === vod.id,
    );
    expect(readies).toHaveLength(1);
  }, 90_000);
});
