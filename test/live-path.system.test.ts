import { type StreamStarted, Topics } from '@phzzk/contracts';
import { KafkaProbe, testInfra, waitFor } from '@phzzk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getText, nextPart, parseMaster, parseMedia } from './support/hls.ts';
import { usePlatform } from './support/platform-hooks.ts';
import { run } from './support/processes.ts';
import type { Proc } from './support/processes.ts';
import { publishTestPattern } from './support/publisher.ts';
import { directoryLists, liveInfo } from './support/streamer.ts';

/**
 * The live path as a streamer and a viewer meet it, on the whole platform as `npm start` runs it:
 * sign-up -> channel -> stream key -> RTMP publish (ffmpeg) -> ingest -> stream.started ->
 * transcoder (ladder, LL-HLS) -> gateway -> a real player; then the end of the stream.
 */
describe('live path: RTMP in, LL-HLS out through the gateway (system)', () => {
  const bed = usePlatform({ streamer: true, startTimeoutMs: 120_000 });
  let publisher: Proc | undefined;
  let probe: KafkaProbe | undefined;

  beforeAll(async () => {
    probe = await KafkaProbe.start((await testInfra()).kafkaBrokers, [Topics.channelEvents]);
  }, 120_000);

  afterAll(async () => {
    await publisher?.stop('SIGKILL');
    await probe?.stop();
  }, 60_000);

  it('publishes, lists, plays and ends a 720p30 stream', async () => {
    const hls = `${bed.platform.gatewayUrl}/hls/${bed.streamer.channelId}`;
    // Bounded: the test stops it much earlier; this only caps a run that went wrong.
    publisher = publishTestPattern(`${bed.platform.rtmpBase}/${bed.streamer.streamKey}`, { seconds: 90 });
    const failed = () => (publisher?.running() ? '' : `publisher exited: ${publisher?.output()}`);

    await waitFor(
      async () => {
        if (failed()) throw new Error(failed());
        return directoryLists(bed.platform.gateway, bed.streamer.channelId);
      },
      { what: 'the live directory to list the channel', timeoutMs: 20_000, intervalMs: 200 },
    );
    // The ingest announced the session with the live source the transcoder pulls (HTTP-FLV).
    const started = await probe!.waitFor((m) => m.event?.type === 'stream.started' && m.key === bed.streamer.channelId);
    const session = (started.event as StreamStarted).data;
    expect(session.sourceUrl).toMatch(new RegExp(`^http://[^/]+/internal/sessions/${session.sessionId}/source\\.flv$`));
    expect(session.video).toMatchObject({ codec: 'h264', width: 1280, height: 720 });
    expect(session.audio).toMatchObject({ codec: 'aac' });

    const live = await liveInfo(bed.platform.gateway, bed.streamer.channelId);
    expect(live).toMatchObject({
      live: true,
      sessionId: session.sessionId,
      hlsUrl: `/hls/${bed.streamer.channelId}/master.m3u8`,
    });
    expect(live.renditions.map((r) => r.name)).toEqual(['source', '480p', '360p', '160p']);
    expect(live.renditions[0]).toMatchObject({ width: 1280, height: 720 });

    // The master playlist through the gateway (the origin holds it until every rendition has a part).
    const master = await waitFor(
      async () => {
        const res = await getText(`${hls}/master.m3u8`);
        return res.status === 200 ? parseMaster(res.text) : undefined;
      },
      { what: 'the master playlist', timeoutMs: 20_000, intervalMs: 200 },
    );
    expect(master.map((v) => v.uri)).toEqual(live.renditions.map((r) => `${r.name}/playlist.m3u8`));
    for (const variant of master) {
      expect(variant.attributes.CODECS).toMatch(/^avc1\.[0-9A-F]{6},mp4a\.40\.2$/);
      expect(Number(variant.attributes.BANDWIDTH)).toBeGreaterThan(0);
    }
    expect(master.map((v) => v.attributes.RESOLUTION)).toEqual(live.renditions.map((r) => `${r.width}x${r.height}`));

    // A media playlist is LL-HLS: parts, blocking reload, a preload hint.
    const first = parseMedia((await getText(`${hls}/360p/playlist.m3u8`)).text);
    expect(first.partTarget).toBeGreaterThan(0);
    expect(first.serverControl['CAN-BLOCK-RELOAD']).toBe('YES');
    expect(first.parts.length).toBeGreaterThan(0);
    expect(first.preloadHint).toBeDefined();
    for (const part of first.parts) expect(part.duration).toBeLessThanOrEqual(first.partTarget as number);
    const next = nextPart(first);
    const blocked = parseMedia(
      (await getText(`${hls}/360p/playlist.m3u8?_HLS_msn=${next.msn}&_HLS_part=${next.part}`)).text,
    );
    expect(blocked.parts.some((p) => p.msn === next.msn && p.index === next.part)).toBe(true);
    const part = blocked.parts.at(-1)!;
    const partResponse = await fetch(`${hls}/360p/${part.uri}`);
    expect(partResponse.status).toBe(200);
    expect((await partResponse.arrayBuffer()).byteLength).toBeGreaterThan(0);

    // A real player (ffmpeg's HLS demuxer and decoders) reads 3 s of the stream from the gateway.
    // It plays whole segments (no LL-HLS), and finds no stream in a playlist without one yet.
    await waitFor(async () => parseMedia((await getText(`${hls}/source/playlist.m3u8`)).text).segments.length >= 2, {
      what: 'two complete segments',
      timeoutMs: 20_000,
      intervalMs: 250,
    });
    const player = run('ffmpeg', ['-hide_banner', '-i', `${hls}/master.m3u8`, '-t', '3', '-f', 'null', '-']);
    const timer = setTimeout(() => void player.stop('SIGKILL'), 40_000);
    const code = await player.exited;
    clearTimeout(timer);
    expect(code, player.output()).toBe(0);
    const frames = Number([...player.output().matchAll(/frame=\s*(\d+)/g)].at(-1)?.[1] ?? 0);
    expect(frames, player.output()).toBeGreaterThanOrEqual(60);

    // Stopping the publisher ends the session: out of the directory, the playlists end (watched
    // from the start: the origin serves an ended stream only for a while).
    await publisher.stop('SIGINT');
    const ended = waitFor(
      async () => {
        const res = await getText(`${hls}/source/playlist.m3u8`);
        return res.status === 200 && parseMedia(res.text).ended ? res.text : undefined;
      },
      { what: 'EXT-X-ENDLIST', timeoutMs: 15_000, intervalMs: 200 },
    );
    await waitFor(async () => !(await liveInfo(bed.platform.gateway, bed.streamer.channelId)).live, {
      what: 'the channel to be offline',
      timeoutMs: 20_000,
      intervalMs: 200,
    });
    await waitFor(async () => !(await directoryLists(bed.platform.gateway, bed.streamer.channelId)), {
      what: 'the directory to drop the channel',
      timeoutMs: 20_000,
      intervalMs: 250,
    });
    expect(await ended).toMatch(/#EXT-X-ENDLIST\s*$/);
    const end = await probe!.waitFor((m) => m.event?.type === 'stream.ended' && m.key === bed.streamer.channelId);
    expect(end.event!.data).toMatchObject({ sessionId: session.sessionId, reason: 'unpublish' });
  }, 110_000);
});
