import { testInfra, uniqueName, waitFor, type ServiceProcess, startServiceProcess } from '@phzzk/testing';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveSourceServer } from '@phzzk/testing';
import { parseMediaPlaylist, probedVideoSeconds } from './support/hls.ts';
import { type Harness, startHarness } from './support/packager.ts';

type VodBody = {
  id: string;
  status: string;
  durationSeconds: number;
  thumbnailUrl: string | null;
  storyboardUrl: string | null;
};

/**
 * The packager on what the real transcoder writes: a live source (ffmpeg, real time) pulled by a
 * transcoder process (ladder, LL-HLS, segment storage, thumbnails) into the storage the packager
 * serves. Rewind while live, then the end: ready, the whole media readable, the durations right.
 */
describe('packager: on a real transcoder session', () => {
  let h: Harness;
  let source: LiveSourceServer;
  let transcoder: ServiceProcess;

  beforeAll(async () => {
    const infra = await testInfra();
    [h, source] = await Promise.all([startHarness(), LiveSourceServer.start()]);
    transcoder = await startServiceProcess(
      'transcoder',
      {
        REDIS_URL: infra.redisUrl,
        KAFKA_BROKERS: infra.kafkaBrokers.join(','),
        STORAGE_ROOT: h.root,
        TRANSCODER_REDIS_KEY_PREFIX: `${uniqueName('phzzk:pkg-transcoder')}:`,
        TRANSCODER_CONSUMER_GROUP: uniqueName('pkg-transcoder'),
        TRANSCODER_CONSUMER_START_FROM: 'latest',
        TRANSCODER_SOURCE_ALLOWED_ORIGINS: source.url,
        TRANSCODER_FFMPEG_PRESET: 'ultrafast',
        TRANSCODER_HLS_TARGET_DURATION: '1',
        DISCOVERY_MODE: 'static',
        LOG_LEVEL: 'warn',
      },
      { timeoutMs: 90_000 },
    );
    await waitFor(
      async () => {
        const health = (await (await fetch(`${transcoder.url}/health`)).json()) as {
          checks: Record<string, { status: string }>;
        };
        return health.checks['kafka-consumer']?.status === 'up';
      },
      { timeoutMs: 30_000, what: 'the transcoder to consume channel.events' },
    );
  }, 240_000);

  afterAll(async () => {
    await transcoder?.stop('SIGKILL');
    await source?.stop();
    await h?.stop();
  }, 30_000);

  it('rewinds a live broadcast to its start and is final soon after the end', async () => {
    const channelId = uuidv7();
    const sessionId = uuidv7();
    await h.producer.publish((await import('@phzzk/contracts')).Topics.channelEvents, 'stream.started', {
      sessionId,
      channelId,
      ingestNode: 'ingest-test',
      sourceUrl: `${source.url}/live/${channelId}.flv`,
      video: { codec: 'avc', width: 640, height: 360, fps: 30 },
      audio: { codec: 'aac', sampleRate: 48000, channels: 1 },
      bitrateKbps: null,
      startedAt: new Date().toISOString(),
    });
    const { id } = await h.vodOf(channelId, sessionId);
    const get = (path: string) => fetch(`${h.url}/vod/${id}/${path}`);

    // While live: the master lists the transcoder's renditions; an EVENT playlist from the first segment.
    const master = await waitFor(
      async () => {
        const res = await get('master.m3u8');
        // Renditions appear as each writes its first segment.
        const text = res.status === 200 ? await res.text() : '';
        return [...text.matchAll(/^\S+\/playlist\.m3u8$/gm)].length >= 2 ? text : undefined;
      },
      { what: 'the recording master playlist', timeoutMs: 90_000, intervalMs: 200 },
    );
    const renditions = [...master.matchAll(/^(\S+)\/playlist\.m3u8$/gm)].map((m) => m[1]!);
    expect(renditions.length).toBeGreaterThanOrEqual(2);
    const live = await waitFor(
      async () => {
        const playlist = parseMediaPlaylist(await (await get(`${renditions[0]}/playlist.m3u8`)).text());
        return playlist.segments.length >= 4 ? playlist : undefined;
      },
      { what: 'four segments', timeoutMs: 60_000, intervalMs: 250 },
    );
    expect(live).toMatchObject({ type: 'EVENT', endList: false });
    expect((await get(`${renditions[0]}/${live.segments[0]!.uri}`)).status).toBe(200);
    await waitFor(async () => (await get('thumbnail.jpg')).status === 200, {
      what: 'a live thumbnail',
      timeoutMs: 15_000,
    });

    await h.streamEnded(channelId, sessionId);
    const ended = Date.now();
    await waitFor(async () => (await h.api.get<VodBody>(`/api/vods/${id}`)).body.status === 'ready', {
      what: 'ready',
      timeoutMs: 30_000,
      intervalMs: 20,
    });
    // Includes the transcoder's drain (ffmpeg's last fragments) before it marks the session complete.
    const readyMs = Date.now() - ended;
    const vod = (await h.api.get<VodBody>(`/api/vods/${id}`)).body;
    for (const rendition of renditions) {
      const playlist = parseMediaPlaylist(await (await get(`${rendition}/playlist.m3u8`)).text());
      expect(playlist, rendition).toMatchObject({ type: 'VOD', endList: true });
    }
    const probed = await probedVideoSeconds(`${h.url}/vod/${id}/${renditions[0]}/playlist.m3u8`);
    expect(Math.abs(probed.seconds - vod.durationSeconds)).toBeLessThan(0.1);
    expect(vod.thumbnailUrl).not.toBeNull();
    console.log(`real transcoder session: ${vod.durationSeconds} s, stream.ended -> ready in ${readyMs} ms`);
    expect(readyMs).toBeLessThan(5000);
  }, 300_000);
});
