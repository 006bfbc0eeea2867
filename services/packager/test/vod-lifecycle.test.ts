import { identityHeaders } from '@phzzk/kit';
import { waitFor } from '@phzzk/testing';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { decodesCleanly, parseMediaPlaylist, probedVideoSeconds, rawGet } from './support/hls.ts';
import { type Harness, startHarness } from './support/packager.ts';
import { encodeRun, encodeThumbnails, type StagedRun, SessionWriter } from './support/session-media.ts';

type VodBody = {
  id: string;
  status: string;
  visibility: string;
  title: string;
  durationSeconds: number;
  endedAt: string | null;
  thumbnailUrl: string | null;
  storyboardUrl: string | null;
};

/**
 * A VOD's life with real ffmpeg media, Kafka events and PostgreSQL: recording (EVENT playlists a
 * viewer can rewind), ready within a second of the end (VOD playlists over the whole media),
 * takeovers, empty sessions, ownership, HTTP details and deletion while someone watches.
 */
describe('packager: VODs from live sessions', () => {
  let h: Harness;
  let streamer: Awaited<ReturnType<Harness['registerStreamer']>>;
  let run12: StagedRun;
  let thumbs: string[];

  beforeAll(async () => {
    [h, run12, thumbs] = await Promise.all([startHarness({ channel: true }), encodeRun(12), encodeThumbnails(12)]);
    streamer = await h.registerStreamer();
  }, 240_000);

  afterAll(async () => {
    await h?.stop();
  }, 60_000);

  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${h.url}${path}`, { headers });
  const vod = async (id: string) => (await h.api.get<VodBody>(`/api/vods/${id}`)).body;

  it('serves a growing EVENT VOD while live and a final VOD within 1 s of the end', async () => {
    const sessionId = uuidv7();
    const writer = new SessionWriter(h.root, sessionId);
    await h.streamStarted(streamer.channelId, sessionId);
    const { id } = await h.vodOf(streamer.channelId, sessionId);
    expect((await vod(id)).status).toBe('recording');

    // Before the first segment: no playlist at all, never an empty one.
    expect((await get(`/vod/${id}/master.m3u8`)).status).toBe(404);
    expect((await get(`/vod/${id}/hi/playlist.m3u8`)).status).toBe(404);

    await writer.append(run12, 0, 6);
    await writer.thumbnails(thumbs.slice(0, 3));
    const masterResponse = await get(`/vod/${id}/master.m3u8`);
    expect(masterResponse.status).toBe(200);
    expect(masterResponse.headers.get('content-type')).toBe('application/vnd.apple.mpegurl');
    const master = await masterResponse.text();
    expect(master).toMatch(
      /#EXT-X-STREAM-INF:.*CODECS="avc1\.[0-9a-fA-F]{6},mp4a\.40\.2".*RESOLUTION=320x180\nhi\/playlist\.m3u8/,
    );
    expect(master).toContain('lo/playlist.m3u8');

    const live = await get(`/vod/${id}/hi/playlist.m3u8`);
    expect(live.headers.get('cache-control')).toBe('public, max-age=1');
    const growing = parseMediaPlaylist(await live.text());
    expect(growing).toMatchObject({ type: 'EVENT', endList: false, mediaSequence: 0 });
    expect(growing.segments).toHaveLength(6);
    // Rewind: the very first segment of the broadcast is there, immutable.
    const first = await get(`/vod/${id}/hi/${growing.segments[0]!.uri}`);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('video/iso.segment');
    expect(first.headers.get('cache-control')).toContain('immutable');
    expect((await get(`/vod/${id}/hi/${growing.segments[0]!.map}`)).status).toBe(200);
    const listed = await vod(id);
    expect(listed.durationSeconds).toBeCloseTo(
      run12.renditions[0]!.segments.slice(0, 6).reduce((s, x) => s + x.duration, 0),
      2,
    );
    expect(listed.thumbnailUrl).toBe(`/vod/${id}/thumbnail.jpg`);
    const liveThumb = await get(`/vod/${id}/thumbnail.jpg`);
    expect(liveThumb.status).toBe(200);
    expect(liveThumb.headers.get('content-type')).toBe('image/jpeg');

    await writer.append(run12, 6);
    await writer.thumbnails(thumbs.slice(3), 2, 3);
    const grown = parseMediaPlaylist(await (await get(`/vod/${id}/hi/playlist.m3u8`)).text());
    expect(grown.segments).toHaveLength(run12.renditions[0]!.segments.length);
    expect(grown.type).toBe('EVENT');

    // The transcoder's last act (its master playlist) and stream.ended, then the clock runs.
    await writer.finish(master);
    await h.streamEnded(streamer.channelId, sessionId);
    const endedAt = Date.now();
    await waitFor(async () => (await vod(id)).status === 'ready', { intervalMs: 10, what: 'the VOD to be ready' });
    const readyMs = Date.now() - endedAt;
    const playlist = await get(`/vod/${id}/hi/playlist.m3u8`);
    const final = parseMediaPlaylist(await playlist.text());
    expect(readyMs).toBeLessThan(1000);
    expect(final).toMatchObject({ type: 'VOD', endList: true });
    expect(final.segments).toHaveLength(run12.renditions[0]!.segments.length);
    expect(final.duration).toBeCloseTo(run12.duration, 3);

    const ready = await h.probe.waitFor(
      (m) => m.event?.type === 'vod.ready' && (m.event.data as { vodId: string }).vodId === id,
    );
    expect(ready.key).toBe(streamer.channelId);
    expect(ready.event?.data).toMatchObject({
      channelId: streamer.channelId,
      sessionId,
      playlistUrl: `/vod/${id}/master.m3u8`,
      thumbnailUrl: `/vod/${id}/thumbnail.jpg`,
    });
    const body = await vod(id);
    expect(body.durationSeconds).toBeCloseTo(run12.duration, 3);
    expect(body.endedAt).not.toBeNull();

    // ffprobe reads the whole media through the packager: the playlist's duration is the media's.
    const probed = await probedVideoSeconds(`${h.url}/vod/${id}/hi/playlist.m3u8`);
    const source = await probedVideoSeconds(join(run12.dir, 'hi', 'playlist.m3u8'));
    expect(probed.packets).toBe(source.packets);
    expect(Math.abs(probed.seconds - body.durationSeconds)).toBeLessThan(0.1);
    await decodesCleanly(`${h.url}/vod/${id}/master.m3u8`);

    // The storyboard was built from the live thumbnails: WebVTT cues pointing at sprite tiles.
    const withStoryboard = await waitFor(
      async () => {
        const v = await vod(id);
        return v.storyboardUrl ? v : undefined;
      },
      { what: 'the storyboard' },
    );
    const vtt = await (await get(withStoryboard.storyboardUrl!)).text();
    expect(vtt.startsWith('WEBVTT')).toBe(true);
    const cues = [...vtt.matchAll(/^(\S+) --> (\S+)\n(\S+)#xywh=(\d+),(\d+),160,90$/gm)];
    expect(cues.length).toBeGreaterThanOrEqual(5);
    expect(cues[0]![1]).toBe('00:00:00.000');
    expect(cues[1]![4]).toBe('160');
    const sheet = await get(cues[0]![3]!);
    expect(sheet.status).toBe(200);
    expect(sheet.headers.get('content-type')).toBe('image/jpeg');
    expect(sheet.headers.get('cache-control')).toContain('immutable');
  }, 90_000);

  it('plays a session through a transcoder takeover (discontinuity, new init segment)', async () => {
    const sessionId = uuidv7();
    const writer = new SessionWriter(h.root, sessionId);
    // The successor runs the same encoder settings on the same source (as the transcoder does).
    const [a, b] = await Promise.all([encodeRun(5), encodeRun(4)]);
    await h.streamStarted(streamer.channelId, sessionId);
    const { id } = await h.vodOf(streamer.channelId, sessionId);
    await writer.append(a);
    // The successor starts 2.5 s later (the lease expired), with its own encoder and init segment.
    await writer.append(b, 0, undefined, 2500);
    // No completion mark from the transcoder (it died): the packager waits for the media to settle.
    await h.streamEnded(streamer.channelId, sessionId);
    await waitFor(async () => (await vod(id)).status === 'ready', { what: 'the VOD to be ready', timeoutMs: 20_000 });
    const playlist = parseMediaPlaylist(await (await get(`/vod/${id}/lo/playlist.m3u8`)).text());
    const breaks = playlist.segments.filter((s) => s.discontinuity);
    expect(breaks).toHaveLength(1);
    expect(breaks[0]!.map).toBe('init-1.mp4');
    expect(playlist.segments[0]!.map).toBe('init-0.mp4');
    expect(playlist.duration).toBeCloseTo(a.duration + b.duration, 3);
    expect((await vod(id)).durationSeconds).toBeCloseTo(a.duration + b.duration, 3);
    // Every packet of both encoder runs decodes through the discontinuity.
    await decodesCleanly(`${h.url}/vod/${id}/lo/playlist.m3u8`);
    const probed = await probedVideoSeconds(`${h.url}/vod/${id}/hi/playlist.m3u8`);
    const sources = await Promise.all([a, b].map((r) => probedVideoSeconds(join(r.dir, 'hi', 'playlist.m3u8'))));
    // ffmpeg's HLS demuxer may drop a packet where the timestamps start over.
    expect(probed.packets).toBeGreaterThanOrEqual(sources[0]!.packets + sources[1]!.packets - 1);
  }, 60_000);

  it('marks a session without segments failed: no VOD listed, no playlist', async () => {
    const sessionId = uuidv7();
    await h.streamStarted(streamer.channelId, sessionId);
    const { id } = await h.vodOf(streamer.channelId, sessionId);
    await h.streamEnded(streamer.channelId, sessionId);
    await waitFor(async () => (await vod(id)).status === 'failed', { what: 'the VOD to fail', timeoutMs: 20_000 });
    expect((await get(`/vod/${id}/master.m3u8`)).status).toBe(404);
    const list = await h.api.get<{ items: { id: string }[] }>(`/api/vods?channelId=${streamer.channelId}&limit=100`);
    expect(list.body.items.map((v) => v.id)).not.toContain(id);
    expect(h.probe.messages.some((m) => (m.event?.data as { vodId?: string } | undefined)?.vodId === id)).toBe(false);
  }, 40_000);

  it('ends a recording whose stream.ended never came once the channel goes live again, and a start delivered late', async () => {
    const { channelId } = await h.registerStreamer(); // a channel with no other broadcasts
    const at = Date.now() - 120_000;
    const lost = uuidv7(); // its ingest died: no stream.ended
    const writer = new SessionWriter(h.root, lost);
    await h.streamStarted(channelId, lost, new Date(at));
    const lostVod = await h.vodOf(channelId, lost);
    await writer.append(run12, 0, 4);
    const current = uuidv7();
    await h.streamStarted(channelId, current, new Date(at + 60_000));
    // An older start delivered after the newer one: history, ended at the newer start.
    const late = uuidv7();
    await new SessionWriter(h.root, late).append(run12, 0, 2);
    await h.streamStarted(channelId, late, new Date(at + 30_000));
    const lateVod = await h.vodOf(channelId, late);

    const readyVod = (id: string) =>
      waitFor(
        async () => {
          const body = await vod(id);
          return body.status === 'ready' ? body : undefined;
        },
        { what: `VOD ${id} to be ready`, timeoutMs: 20_000 },
      );
    const superseded = await readyVod(lostVod.id);
    expect(superseded.endedAt).toBe(new Date(at + 60_000).toISOString());
    expect(superseded.durationSeconds).toBeGreaterThan(0);
    expect((await readyVod(lateVod.id)).endedAt).toBe(new Date(at + 60_000).toISOString());
    // The channel's current broadcast goes on recording.
    expect((await h.vodOf(channelId, current)).status).toBe('recording');
    await h.streamEnded(channelId, current);
  }, 60_000);

  describe('over HTTP', () => {
    let id: string;
    let segment: string;

    beforeAll(async () => {
      const sessionId = uuidv7();
      const writer = new SessionWriter(h.root, sessionId);
      await h.streamStarted(streamer.channelId, sessionId);
      id = (await h.vodOf(streamer.channelId, sessionId)).id;
      await writer.append(run12, 0, 4);
      segment = `/vod/${id}/hi/seg-1.m4s`;
    }, 30_000);

    it('refuses path tricks', async () => {
      for (const path of [
        `/vod/${id}/hi/..%2F..%2Fmaster.m3u8`,
        `/vod/${id}/%2e%2e/%2e%2e/etc/passwd`,
        `/vod/${id}/../../etc/passwd`,
        `/vod/${id}/hi/./seg-1.m4s`,
        `/vod/${id}/hi%2Fseg-1.m4s`,
        `/vod/${id}/hi%5cseg-1.m4s`,
        `/vod/${id}/hi//seg-1.m4s`,
      ]) {
        // Sent as written (fetch would resolve dot segments before sending).
        const res = await rawGet(h.url, path);
        expect(res.status, path).toBe(400);
        expect(res.contentType).toContain('application/problem+json');
      }
      for (const path of [
        `/vod/${id}/hi/segments.jsonl`,
        `/vod/${id}/thumbnails/1.jpg`,
        `/vod/${id}/hi/x.mp4`,
        '/vod/not-an-id/master.m3u8',
      ]) {
        expect((await get(path)).status, path).toBe(404);
      }
    });

    it('answers byte ranges, 416 past the end, and ETags', async () => {
      const whole = await get(segment);
      const bytes = new Uint8Array(await whole.arrayBuffer());
      const etag = whole.headers.get('etag')!;
      expect(whole.headers.get('accept-ranges')).toBe('bytes');
      expect(Number(whole.headers.get('content-length'))).toBe(bytes.length);

      const part = await get(segment, { range: 'bytes=10-19' });
      expect(part.status).toBe(206);
      expect(part.headers.get('content-range')).toBe(`bytes 10-19/${bytes.length}`);
      expect(new Uint8Array(await part.arrayBuffer())).toEqual(bytes.subarray(10, 20));
      const tail = await get(segment, { range: 'bytes=-5' });
      expect(new Uint8Array(await tail.arrayBuffer())).toEqual(bytes.subarray(bytes.length - 5));

      const past = await get(segment, { range: `bytes=${bytes.length}-` });
      expect(past.status).toBe(416);
      expect(past.headers.get('content-range')).toBe(`bytes */${bytes.length}`);

      expect((await get(segment, { 'if-none-match': etag })).status).toBe(304);
      const playlist = await get(`/vod/${id}/hi/playlist.m3u8`);
      expect(
        (await get(`/vod/${id}/hi/playlist.m3u8`, { 'if-none-match': playlist.headers.get('etag')! })).status,
      ).toBe(304);
      const head = await fetch(`${h.url}${segment}`, { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(Number(head.headers.get('content-length'))).toBe(bytes.length);
    });

    it('lets only the owner edit; unlisted VODs are listed to the owner only', async () => {
      const other = identityHeaders({ userId: uuidv7() });
      expect((await h.api.patch(`/api/vods/${id}`, { title: 'mine now' }, other)).status).toBe(403);
      expect((await h.api.patch(`/api/vods/${id}`, { title: 'x' })).status).toBe(401);
      expect((await h.api.patch(`/api/vods/${id}`, { title: 'x', extra: 1 }, streamer.headers)).status).toBe(400);
      expect((await h.api.patch(`/api/vods/${id}`, { visibility: 'secret' }, streamer.headers)).status).toBe(400);
      const patched = await h.api.patch<VodBody>(
        `/api/vods/${id}`,
        { title: 'Speedrun', visibility: 'unlisted' },
        streamer.headers,
      );
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({ title: 'Speedrun', visibility: 'unlisted' });

      const ids = async (headers: Record<string, string>) =>
        (
          await h.api.get<{ items: { id: string }[] }>(`/api/vods?channelId=${streamer.channelId}&limit=100`, headers)
        ).body.items.map((v) => v.id);
      expect(await ids({})).not.toContain(id);
      expect(await ids(other)).not.toContain(id);
      expect(await ids(streamer.headers)).toContain(id);
      // Unlisted still plays by its id.
      expect((await h.api.get(`/api/vods/${id}`)).status).toBe(200);
      expect((await get(`/vod/${id}/master.m3u8`)).status).toBe(200);
    });

    it('pages the list newest first with an opaque cursor', async () => {
      const page1 = await h.api.get<{ items: { id: string; startedAt: string }[]; nextCursor: string | null }>(
        `/api/vods?channelId=${streamer.channelId}&limit=1`,
        streamer.headers,
      );
      expect(page1.body.items).toHaveLength(1);
      expect(page1.body.nextCursor).not.toBeNull();
      const page2 = await h.api.get<{ items: { id: string; startedAt: string }[] }>(
        `/api/vods?channelId=${streamer.channelId}&limit=1&cursor=${page1.body.nextCursor}`,
        streamer.headers,
      );
      expect(page2.body.items[0]!.startedAt <= page1.body.items[0]!.startedAt).toBe(true);
      expect(page2.body.items[0]!.id).not.toBe(page1.body.items[0]!.id);
      expect((await h.api.get(`/api/vods?channelId=${streamer.channelId}&cursor=garbage`)).status).toBe(400);
      expect((await h.api.get('/api/vods?channelId=nope')).status).toBe(400);
    });

    it('deletes while someone watches: 404 afterwards, vod.deleted, nothing crashes', async () => {
      const other = identityHeaders({ userId: uuidv7() });
      expect((await h.api.delete(`/api/vods/${id}`, other)).status).toBe(403);
      let watching = true;
      const statuses = new Set<number>();
      const viewer = (async () => {
        while (watching) {
          for (const path of [`/vod/${id}/hi/playlist.m3u8`, segment]) {
            const res = await get(path);
            statuses.add(res.status);
            await res.arrayBuffer();
          }
        }
      })();
      expect((await h.api.delete(`/api/vods/${id}`, streamer.headers)).status).toBe(204);
      await waitFor(() => statuses.has(404), { what: 'the viewer to see 404' });
      watching = false;
      await viewer;
      expect([...statuses].every((s) => s === 200 || s === 404)).toBe(true);
      expect((await get(`/vod/${id}/hi/playlist.m3u8`)).status).toBe(404);
      expect((await get(segment)).status).toBe(404);
      expect((await h.api.get(`/api/vods/${id}`)).status).toBe(404);
      expect((await h.api.delete(`/api/vods/${id}`, streamer.headers)).status).toBe(404);
      await h.probe.waitFor((m) => m.event?.type === 'vod.deleted' && (m.event.data as { vodId: string }).vodId === id);
      expect((await fetch(`${h.url}/health`)).status).toBe(200);
    });
  });
});
