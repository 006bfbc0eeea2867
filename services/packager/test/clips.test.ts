import { identityHeaders } from '@phzzk/kit';
import { waitFor } from '@phzzk/testing';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodesCleanly, parseMediaPlaylist } from './support/hls.ts';
import { type Harness, startHarness } from './support/packager.ts';
import { encodeRun, encodeThumbnails, run, SessionWriter, type StagedRun } from './support/session-media.ts';

type ClipBody = {
  id: string;
  channelId: string;
  vodId: string | null;
  sessionId: string;
  startSeconds: number;
  durationSeconds: number;
  playlistUrl: string;
  mp4Url: string;
  thumbnailUrl: string | null;
};

/** Clips of a live broadcast and of a VOD: segment-accurate, playable at once, MP4 by remux. */
describe('packager: clips', () => {
  let h: Harness;
  let streamer: Awaited<ReturnType<Harness['registerStreamer']>>;
  let media: StagedRun;
  let writer: SessionWriter;
  let vodId: string;
  const viewer = identityHeaders({ userId: uuidv7() });

  beforeAll(async () => {
    let thumbs: string[];
    [h, media, thumbs] = await Promise.all([startHarness({ channel: true }), encodeRun(20), encodeThumbnails(20)]);
    streamer = await h.registerStreamer();
    const sessionId = uuidv7();
    writer = new SessionWriter(h.root, sessionId);
    await h.streamStarted(streamer.channelId, sessionId);
    vodId = (await h.vodOf(streamer.channelId, sessionId)).id;
    await writer.append(media, 0, 15);
    await writer.thumbnails(thumbs.slice(0, 7));
  }, 240_000);

  afterAll(async () => {
    await h?.stop();
  }, 60_000);

  const get = (path: string) => fetch(`${h.url}${path}`);

  it('clips the last seconds of a live broadcast: playable and downloadable when the request returns', async () => {
    const started = Date.now();
    const res = await h.api.post<ClipBody>('/api/clips', { channelId: streamer.channelId, durationSeconds: 5 }, viewer);
    const tookMs = Date.now() - started;
    expect(res.status).toBe(201);
    const clip = res.body;
    // The 2 s target is the benchmark's (bench/vod.bench.ts); on a loaded test machine, a sanity bound.
    expect(tookMs).toBeLessThan(10_000);
    expect(clip).toMatchObject({
      channelId: streamer.channelId,
      vodId,
      playlistUrl: `/vod/clips/${clip.id}/master.m3u8`,
    });
    expect(clip.durationSeconds).toBeGreaterThanOrEqual(5);
    expect(clip.durationSeconds).toBeLessThan(7);
    // The last segments recorded so far: it ends where the recording ends.
    expect(clip.startSeconds + clip.durationSeconds).toBeCloseTo(writer.position, 3);

    const master = await get(clip.playlistUrl);
    expect(master.status).toBe(200);
    const playlist = parseMediaPlaylist(await (await get(`/vod/clips/${clip.id}/hi/playlist.m3u8`)).text());
    expect(playlist).toMatchObject({ type: 'VOD', endList: true });
    expect(playlist.duration).toBeCloseTo(clip.durationSeconds, 3);
    await decodesCleanly(`${h.url}${clip.playlistUrl}`);

    const mp4 = await get(clip.mp4Url);
    expect(mp4.status).toBe(200);
    expect(mp4.headers.get('content-type')).toBe('video/mp4');
    expect(mp4.headers.get('content-disposition')).toContain('attachment');
    const probed = JSON.parse(
      await run('ffprobe', [
        '-v',
        'error',
        '-show_entries',
        'format=duration:stream=codec_name',
        '-of',
        'json',
        `${h.url}${clip.mp4Url}`,
      ]),
    ) as { format: { duration: string }; streams: { codec_name: string }[] };
    expect(probed.streams.map((s) => s.codec_name).sort()).toEqual(['aac', 'h264']);
    expect(Math.abs(Number(probed.format.duration) - clip.durationSeconds)).toBeLessThan(0.1);
    expect(clip.thumbnailUrl).toBe(`/vod/clips/${clip.id}/thumbnail.jpg`);
    expect((await get(clip.thumbnailUrl!)).headers.get('content-type')).toBe('image/jpeg');
  }, 30_000);

  it('clips a VOD range segment-accurately, lists clips, and refuses bad ranges', async () => {
    const res = await h.api.post<ClipBody>('/api/clips', { vodId, startSeconds: 2.5, durationSeconds: 5 }, viewer);
    expect(res.status).toBe(201);
    // Whole segments of ~1 s that cover [2.5, 7.5).
    expect(res.body.startSeconds).toBeCloseTo(2, 0);
    expect(res.body.startSeconds).toBeLessThanOrEqual(2.5);
    expect(res.body.startSeconds + res.body.durationSeconds).toBeGreaterThanOrEqual(7.5 - 0.001);
    const first = parseMediaPlaylist(await (await get(`/vod/clips/${res.body.id}/lo/playlist.m3u8`)).text());
    expect(first.segments[0]!.discontinuity).toBe(false);

    expect((await h.api.get<ClipBody>(`/api/clips/${res.body.id}`)).body).toEqual(res.body);
    const list = await h.api.get<{ items: ClipBody[] }>(`/api/clips?channelId=${streamer.channelId}`);
    expect(list.body.items.map((c) => c.id)).toContain(res.body.id);

    const bad = [
      { vodId, startSeconds: 12, durationSeconds: 10 }, // past the end of what is recorded
      { vodId, startSeconds: 0, durationSeconds: 61 }, // too long
      { vodId, startSeconds: 0, durationSeconds: 4 }, // too short
      { vodId, startSeconds: -1, durationSeconds: 5 },
      { channelId: streamer.channelId, durationSeconds: 90 },
      { vodId, startSeconds: 0, durationSeconds: '10' },
      { vodId, startSeconds: 0, durationSeconds: 10, extra: true },
    ];
    for (const body of bad)
      expect((await h.api.post('/api/clips', body, viewer)).status, JSON.stringify(body)).toBe(400);
    expect((await h.api.post('/api/clips', { vodId, startSeconds: 0, durationSeconds: 10 })).status).toBe(401);
    expect(
      (await h.api.post('/api/clips', { vodId: uuidv7(), startSeconds: 0, durationSeconds: 10 }, viewer)).status,
    ).toBe(404);
    expect((await h.api.post('/api/clips', { channelId: uuidv7(), durationSeconds: 10 }, viewer)).status).toBe(409);
  }, 30_000);

  it('outlives its VOD', async () => {
    const clip = (await h.api.post<ClipBody>('/api/clips', { vodId, startSeconds: 0, durationSeconds: 6 }, viewer))
      .body;
    await writer.append(media, 15);
    await writer.finish(await (await get(`/vod/${vodId}/master.m3u8`)).text());
    await h.streamEnded(streamer.channelId, writer.sessionId);
    await waitFor(async () => (await h.api.get<{ status: string }>(`/api/vods/${vodId}`)).body.status === 'ready', {
      what: 'the VOD to be ready',
    });
    expect(
      (await h.api.post('/api/clips', { channelId: streamer.channelId, durationSeconds: 10 }, viewer)).status,
    ).toBe(409);
    expect((await h.api.delete(`/api/vods/${vodId}`, streamer.headers)).status).toBe(204);
    expect((await get(`/vod/${vodId}/master.m3u8`)).status).toBe(404);
    expect((await h.api.get<ClipBody>(`/api/clips/${clip.id}`)).body.vodId).toBeNull();
    await decodesCleanly(`${h.url}${clip.playlistUrl}`);
    const mp4 = await get(clip.mp4Url);
    expect(mp4.status).toBe(200);
    expect((await mp4.arrayBuffer()).byteLength).toBeGreaterThan(1000);
  }, 40_000);
});
