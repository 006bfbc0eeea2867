// The transcoder end to end: a live FLV source (real ffmpeg, real time), stream.started on the
// real Kafka, sessions and leases in the real Redis, ffmpeg transcoding, our LL-HLS origin, a
// real player (ffmpeg's HLS demuxer) reading it, VOD files on disk.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { internalCallHeaders, type RunningService } from '@phzzk/kit';
import { isJpeg, jpegSize } from '@phzzk/media/jpeg';
import { waitFor } from '@phzzk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TranscoderConfig } from '../src/service.ts';
import { LiveSourceServer } from '@phzzk/testing';
import { lastPart, readPlaylist } from './support/playlist.ts';
import { newChannelId, transcoderCluster } from './support/transcoder.ts';

const run = promisify(execFile);

describe('live transcoding and the LL-HLS origin (720p source)', () => {
  let cluster: Awaited<ReturnType<typeof transcoderCluster>>;
  let source: LiveSourceServer;
  let instance: RunningService<typeof TranscoderConfig>;
  let started: Awaited<ReturnType<typeof cluster.publishStarted>>;
  const channelId = newChannelId();
  let hls: string;
  const get = (path: string, init?: RequestInit) =>
    fetch(`${hls}/${path}`, { signal: AbortSignal.timeout(15_000), ...init });
  /** The first 200 answer for `path`, once the stream has produced it. */
  const whenServed = (path: string, what: string) =>
    waitFor(
      async () => {
        const r = await get(path);
        return r.status === 200 ? r : undefined;
      },
      { timeoutMs: 20_000, what },
    );

  beforeAll(async () => {
    source = await LiveSourceServer.start();
    cluster = await transcoderCluster(source.url);
    instance = await cluster.start();
    hls = `${instance.url}/hls/${channelId}`;
    started = await cluster.publishStarted(channelId, source.sourceUrl('ch720', { size: '1280x720' }), {
      width: 1280,
      height: 720,
    });
  });

  afterAll(async () => {
    await instance?.stop();
    await source?.stop();
    await cluster?.close();
  });

  it('records the session durably and takes the lease under its discovery instance id', async () => {
    const recorded = await waitFor(() => cluster.redis.hget(cluster.sessionsKey, channelId), { what: 'the session' });
    expect(JSON.parse(recorded)).toEqual({
      sessionId: started.sessionId,
      channelId,
      sourceUrl: started.sourceUrl,
      video: started.video,
      audio: started.audio,
      startedAt: started.startedAt,
    });
    const holder = await waitFor(() => cluster.redis.get(cluster.holderKey(channelId)), { what: 'a holder' });
    expect(holder).toBe(instance.context.identity.instanceId);
    const ttl = await cluster.redis.pttl(cluster.holderKey(channelId));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(3000);
  });

  it('serves a master playlist with the source and every lower rung, with BANDWIDTH, RESOLUTION, CODECS', async () => {
    const response = await whenServed('master.m3u8', 'the master playlist');
    expect(response.headers.get('content-type')).toBe('application/vnd.apple.mpegurl');
    expect(response.headers.get('cache-control')).toMatch(/max-age=\d+/);
    const master = await response.text();
    const variants = [...master.matchAll(/#EXT-X-STREAM-INF:(.*)\n(.*)/g)].map((m) => ({ attrs: m[1]!, uri: m[2]! }));
    expect(variants.map((v) => v.uri)).toEqual([
      'source/playlist.m3u8',
      '480p/playlist.m3u8',
      '360p/playlist.m3u8',
      '160p/playlist.m3u8',
    ]);
    const resolutions = ['1280x720', '854x480', '640x360', '284x160'];
    variants.forEach((v, i) => {
      expect(v.attrs).toMatch(/^BANDWIDTH=[1-9]\d+,AVERAGE-BANDWIDTH=[1-9]\d+,/);
      expect(v.attrs).toContain(`RESOLUTION=${resolutions[i]}`);
      expect(v.attrs).toMatch(/CODECS="avc1\.[0-9A-F]{6},mp4a\.40\.2"/);
    });
  });

  it('takes a JPEG every 2 s from the lowest rendition: the latest served, each kept for the storyboard', async () => {
    const response = await whenServed('thumbnail.jpg', 'a thumbnail');
    expect(response.headers.get('content-type')).toBe('image/jpeg');
    expect(response.headers.get('cache-control')).toBe('public, max-age=2');
    const jpeg = Buffer.from(await response.arrayBuffer());
    expect(isJpeg(jpeg)).toBe(true);
    expect(jpegSize(jpeg)).toEqual({ width: 284, height: 160 });

    // Kept as thumbnails/<epochMs>.jpg, at most one per 2 s of wall-clock time.
    const dir = join(cluster.storageRoot, 'sessions', started.sessionId, 'thumbnails');
    const names = await waitFor(
      () => {
        const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.jpg')) : [];
        return files.length >= 3 ? files : undefined;
      },
      { timeoutMs: 20_000, what: 'three kept thumbnails' },
    );
    const times = names.map((f) => Number(f.slice(0, -'.jpg'.length))).sort((a, b) => a - b);
    for (const name of names) expect(name).toMatch(/^\d{13}\.jpg$/);
    for (const [i, t] of times.entries()) {
      expect(Math.abs(t - Date.now())).toBeLessThan(120_000);
      if (i > 0) expect(t - times[i - 1]!).toBeGreaterThanOrEqual(2000);
    }
    expect(jpegSize(readFileSync(join(dir, names[0]!)))).toEqual({ width: 284, height: 160 });

    const unknown = await fetch(`${instance.url}/hls/${newChannelId()}/thumbnail.jpg`);
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { code: string }).code).toBe('CHANNEL_NOT_LIVE');
  });

  it('serves LL-HLS media playlists: parts, part target, server control, preload hint, reports, dates', async () => {
    // The first request after the start waits for the first part instead of listing nothing.
    const first = await get('360p/playlist.m3u8');
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('application/vnd.apple.mpegurl');
    expect(first.headers.get('cache-control')).toBeTruthy();
    expect(await first.text()).toContain('#EXT-X-PART:');
    // Once every rendition has published, each playlist reports the others.
    const text = await waitFor(
      async () => {
        const t = await (await get('360p/playlist.m3u8')).text();
        return (t.match(/#EXT-X-RENDITION-REPORT/g) ?? []).length === 3 ? t : undefined;
      },
      { what: 'rendition reports' },
    );
    expect(text).toMatch(/#EXT-X-PART-INF:PART-TARGET=0\.2\n/);
    expect(text).toMatch(/#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,CAN-SKIP-UNTIL=6\.0,PART-HOLD-BACK=0\.6/);
    expect(text).toMatch(/#EXT-X-PART:DURATION=0\.\d+,URI="part-\d+\.\d+\.m4s",INDEPENDENT=YES/);
    expect(text).toMatch(/#EXT-X-PRELOAD-HINT:TYPE=PART,URI="part-\d+\.\d+\.m4s"/);
    for (const other of ['source', '480p', '160p']) {
      expect(text).toMatch(
        new RegExp(`#EXT-X-RENDITION-REPORT:URI="../${other}/playlist.m3u8",LAST-MSN=\\d+,LAST-PART=\\d+`),
      );
    }
    expect(text).toMatch(/#EXT-X-PROGRAM-DATE-TIME:\d{4}-\d\d-\d\dT/);
    expect(text).toMatch(/#EXT-X-MAP:URI="init-0\.mp4"/);
    for (const duration of text.matchAll(/#EXT-X-PART:DURATION=([\d.]+)/g))
      expect(Number(duration[1])).toBeLessThanOrEqual(0.2);

    const init = await get('360p/init-0.mp4');
    expect(init.status).toBe(200);
    expect(init.headers.get('content-type')).toBe('video/mp4');
    expect(
      Buffer.from(await init.arrayBuffer())
        .subarray(4, 8)
        .toString(),
    ).toBe('ftyp');
  });

  it('answers a blocking request for the next part as soon as that part exists', async () => {
    const pl = readPlaylist(await (await get('360p/playlist.m3u8')).text());
    const [msn, part] = lastPart(pl)!;
    const t0 = performance.now();
    const blocked = await get(`360p/playlist.m3u8?_HLS_msn=${msn}&_HLS_part=${part + 1}`);
    const waited = performance.now() - t0;
    expect(blocked.status).toBe(200);
    expect(blocked.headers.get('cache-control')).toMatch(/max-age=6/);
    const next = readPlaylist(await blocked.text());
    const [nextMsn, nextPart] = lastPart(next)!;
    expect(nextMsn > msn || nextPart > part).toBe(true);
    // One part is 0.2 s at most; the answer comes when it is published, not on a polling period.
    expect(waited).toBeLessThan(1000);

    // The preload hint names the next part: fetching it blocks until it exists, then returns its bytes.
    const hint = next.preloadHint!;
    const h0 = performance.now();
    const partResponse = await get(`360p/${hint}`);
    expect(partResponse.status).toBe(200);
    expect(performance.now() - h0).toBeLessThan(1000);
    expect(partResponse.headers.get('content-type')).toBe('video/iso.segment');
    expect(partResponse.headers.get('cache-control')).toMatch(/max-age=\d+/);
    const bytes = Buffer.from(await partResponse.arrayBuffer());
    expect(bytes.includes(Buffer.from('moof'))).toBe(true);
  });

  it('rejects malformed delivery directives with 400 and unknown channels or renditions with a 404 problem', async () => {
    for (const query of ['_HLS_msn=abc', '_HLS_part=1', '_HLS_msn=1&_HLS_part=-1', '_HLS_skip=maybe']) {
      const r = await get(`360p/playlist.m3u8?${query}`);
      expect(r.status, query).toBe(400);
      expect(r.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(((await r.json()) as { code: string }).code).toBe('INVALID_DELIVERY_DIRECTIVE');
    }
    const tooFar = await get('360p/playlist.m3u8?_HLS_msn=999999');
    expect(tooFar.status).toBe(400);
    const unknownChannel = await fetch(`${instance.url}/hls/${newChannelId()}/master.m3u8`);
    expect(unknownChannel.status).toBe(404);
    expect(((await unknownChannel.json()) as { code: string }).code).toBe('CHANNEL_NOT_LIVE');
    const unknownRendition = await get('1080p/playlist.m3u8');
    expect(unknownRendition.status).toBe(404);
    expect(((await unknownRendition.json()) as { code: string }).code).toBe('RENDITION_NOT_FOUND');
    const noSuchPart = await get('360p/part-0.99.m4s');
    expect(noSuchPart.status).toBe(404);
    expect(noSuchPart.headers.get('cache-control')).toBe('no-store');
  });

  it('is played by a real player (ffmpeg reading the master playlist)', async () => {
    // ffmpeg's HLS demuxer starts three segments from the live end: let three exist.
    await waitFor(
      async () =>
        readPlaylist(await (await get('source/playlist.m3u8')).text()).segments.filter((s) => s.uri).length >= 3,
      {
        what: 'three segments',
      },
    );
    const { stderr } = await run(
      'ffmpeg',
      [
        '-hide_banner',
        '-nostdin',
        '-loglevel',
        'error',
        '-stats',
        '-i',
        `${hls}/master.m3u8`,
        '-map',
        '0:v:0',
        '-t',
        '2',
        '-f',
        'null',
        '-',
      ],
      { timeout: 30_000 },
    );
    const frames = [...stderr.matchAll(/frame=\s*(\d+)/g)].map((m) => Number(m[1]));
    expect(frames.at(-1)).toBeGreaterThanOrEqual(55);
  });

  it('answers delta updates (_HLS_skip=YES) once the playlist is long enough', async () => {
    const delta = await waitFor(
      async () => {
        const text = await (await get('160p/playlist.m3u8?_HLS_skip=YES')).text();
        return text.includes('#EXT-X-SKIP:SKIPPED-SEGMENTS=') ? text : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 500, what: 'a delta playlist' },
    );
    const full = readPlaylist(await (await get('160p/playlist.m3u8')).text());
    const skipped = readPlaylist(delta);
    expect(skipped.skipped).toBeGreaterThan(0);
    expect(skipped.mediaSequence).toBe(full.mediaSequence);
    // Parts are listed for the last few segments only; older ones are pruned.
    expect(full.segments[0]!.parts).toEqual([]);
    expect(full.segments.at(-1)!.parts.length).toBeGreaterThan(0);
  });

  it('reports internal part latency per rendition', async () => {
    const { streams } = (await (
      await fetch(`${instance.url}/internal/streams`, { headers: internalCallHeaders('GET', '/internal/streams') })
    ).json()) as {
      streams: { channelId: string; partLatencyMs: Record<string, { p50: number; p90: number; max: number } | null> }[];
    };
    const stream = streams.find((s) => s.channelId === channelId)!;
    console.log(`part latency, frame into ffmpeg -> part published (ms): ${JSON.stringify(stream.partLatencyMs)}`);
    expect(stream.partLatencyMs.source?.p50).toBeGreaterThanOrEqual(0);
    const metrics = await (await fetch(`${instance.url}/metrics`)).text();
    expect(metrics).toMatch(/transcoder_live_streams\{[^}]*\} 1/);
    expect(metrics).toMatch(/transcoder_parts_total\{[^}]*rendition="360p"[^}]*\} \d+/);
    expect(metrics).toMatch(/transcoder_part_latency_seconds_bucket/);
  });

  it('ends the playlists with EXT-X-ENDLIST on stream.ended and keeps the segments on disk for VOD', async () => {
    await cluster.publishEnded(channelId, started.sessionId);
    const ended = await waitFor(
      async () => {
        const text = await (await get('360p/playlist.m3u8')).text();
        return text.includes('#EXT-X-ENDLIST') ? text : undefined;
      },
      { timeoutMs: 15_000, what: 'EXT-X-ENDLIST' },
    );
    expect(ended).not.toContain('#EXT-X-PRELOAD-HINT');
    expect(await cluster.redis.hget(cluster.sessionsKey, channelId)).toBeNull();

    const dir = join(cluster.storageRoot, 'sessions', started.sessionId);
    await waitFor(() => existsSync(join(dir, 'master.m3u8')), { what: 'the VOD files' });
    for (const rendition of ['source', '480p', '360p', '160p']) {
      const files = readdirSync(join(dir, rendition));
      expect(files).toContain('init-0.mp4');
      expect(files.filter((f) => /^seg-\d+\.m4s$/.test(f)).length).toBeGreaterThanOrEqual(5);
      const vod = readFileSync(join(dir, rendition, 'playlist.m3u8'), 'utf8');
      expect(vod).toContain('#EXT-X-PLAYLIST-TYPE:VOD');
      expect(vod.trimEnd().endsWith('#EXT-X-ENDLIST')).toBe(true);
    }
    // The VOD plays: ffprobe reads it through, as a whole.
    const { stdout } = await run('ffprobe', [
      '-v',
      'error',
      '-show_entries',
      'format=duration',
      '-of',
      'csv=p=0',
      join(dir, '360p', 'playlist.m3u8'),
    ]);
    expect(Number(stdout.trim())).toBeGreaterThan(5);
  });
});
