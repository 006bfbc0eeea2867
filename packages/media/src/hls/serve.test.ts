import { describe, expect, it } from 'vitest';
import { LlHlsStream } from './ll-hls-stream.ts';
import { serveHls } from './serve.ts';
import { fakeFragment, fakeInit, ManualTimers, settle } from './testing/fake-media.ts';
import { readPlaylist } from './testing/read-playlist.ts';

const F = 18000;

function setup() {
  const timers = new ManualTimers();
  const stream = new LlHlsStream({
    renditions: [
      { name: '720p', bandwidth: 3_000_000, audioGroup: 'aac' },
      { name: '360p', bandwidth: 800_000, audioGroup: 'aac', frameRate: 30 },
      { name: 'audio', type: 'audio', groupId: 'aac', bandwidth: 128_000, language: 'ko' },
    ],
    targetDuration: 1,
    partTarget: 0.2,
    now: () => Date.UTC(2025, 0, 1),
    timers,
  });
  let n = 0;
  const feed = (count: number) => {
    for (let i = 0; i < count; i++, n++) {
      for (const name of ['720p', '360p']) {
        stream.push(name, {
          type: 'fragment',
          fragment: fakeFragment({ ticks: F, independent: n % 5 === 0, decodeTime: n * F, samples: 6 }),
        });
      }
      stream.push('audio', {
        type: 'fragment',
        fragment: fakeFragment({ ticks: 9600, independent: true, decodeTime: n * 9600, timescale: 48000 }),
      });
    }
  };
  const start = () => {
    stream.push('720p', { type: 'init', init: fakeInit() });
    stream.push('360p', { type: 'init', init: fakeInit({ tag: 3 }) });
    stream.push('audio', { type: 'init', init: fakeInit({ kind: 'audio', timescale: 48000 }) });
  };
  return { stream, timers, feed, start };
}

describe('serveHls', () => {
  it('holds the master playlist until every rendition has its init segment', async () => {
    const { stream, start, feed } = setup();
    let response: Awaited<ReturnType<typeof serveHls>> | undefined;
    void serveHls(stream, { path: 'master.m3u8' }).then((r) => (response = r));
    await settle();
    expect(response).toBeUndefined();
    start();
    feed(6);
    await settle();
    expect(response?.status).toBe(200);
    expect(response?.headers['content-type']).toBe('application/vnd.apple.mpegurl');
    const text = String(response?.body);
    expect(text).toContain(
      '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aac",NAME="audio",LANGUAGE="ko",DEFAULT=YES,AUTOSELECT=YES,CHANNELS="2",URI="audio/playlist.m3u8"',
    );
    // the video variants carry the audio group's codec and bandwidth
    expect(text).toMatch(
      /#EXT-X-STREAM-INF:BANDWIDTH=3128000,AVERAGE-BANDWIDTH=\d+,CODECS="avc1.64001F,mp4a.40.2",RESOLUTION=1280x720,FRAME-RATE=30.000,AUDIO="aac"\n720p\/playlist.m3u8/,
    );
    expect(text).toContain('FRAME-RATE=30.000,AUDIO="aac"\n360p/playlist.m3u8');
    expect(text).not.toContain('STREAM-INF:BANDWIDTH=128000');
  });

  it('blocks a playlist request until the requested part exists (RFC 8216bis 6.2.5.2)', async () => {
    const { stream, start, feed } = setup();
    start();
    feed(3);
    const pending = serveHls(stream, {
      path: '720p/playlist.m3u8',
      query: new URLSearchParams('_HLS_msn=0&_HLS_part=3'),
    });
    let done = false;
    void pending.then(() => (done = true));
    await settle();
    expect(done).toBe(false);
    feed(1);
    const response = await pending;
    expect(response.status).toBe(200);
    expect(response.headers['cache-control']).toBe('public, max-age=6');
    const pl = readPlaylist(String(response.body));
    expect(pl.segments.at(-1)!.parts.map((p) => p.uri)).toContain('part-0.3.m4s');
    // every rendition reports the others
    expect(pl.reports.map((r) => r.uri)).toEqual(['../360p/playlist.m3u8', '../audio/playlist.m3u8']);
  });

  it('returns delta updates, 400 for bad or far-ahead directives, 503 after three target durations', async () => {
    const { stream, start, feed, timers } = setup();
    start();
    feed(100);
    const delta = await serveHls(stream, { path: '720p/playlist.m3u8', query: { _HLS_skip: 'YES' } });
    expect(readPlaylist(String(delta.body)).skipped).toBeGreaterThan(0);
    expect((await serveHls(stream, { path: '720p/playlist.m3u8', query: { _HLS_part: '1' } })).status).toBe(400);
    expect((await serveHls(stream, { path: '720p/playlist.m3u8', query: { _HLS_msn: '99' } })).status).toBe(400);
    const slow = serveHls(stream, { path: '720p/playlist.m3u8', query: { _HLS_msn: '21' } });
    await settle();
    timers.advance(3000);
    const response = await slow;
    expect(response.status).toBe(503);
    expect(response.headers['cache-control']).toBe('no-store');
  });

  it('serves the preload-hinted part as soon as it is complete, and media by name', async () => {
    const { stream, start, feed } = setup();
    start();
    feed(2);
    const hint = readPlaylist(stream.mediaPlaylist('720p')!).preloadHint!;
    expect(hint).toBe('part-0.2.m4s');
    const pending = serveHls(stream, { path: `720p/${hint}` });
    feed(1);
    const part = await pending;
    expect(part.status).toBe(200);
    expect(part.body).toEqual(stream.rendition('720p')!.getPart(0, 2));
    expect(part.headers['content-type']).toBe('video/iso.segment');
    expect((await serveHls(stream, { path: '720p/part-0.9.m4s' })).status).toBe(404);
    expect((await serveHls(stream, { path: '720p/init-0.mp4' })).status).toBe(200);
    expect((await serveHls(stream, { path: '720p/seg-0.m4s' })).status).toBe(404); // not complete yet
    feed(3);
    expect((await serveHls(stream, { path: '720p/seg-0.m4s' })).status).toBe(200);
    expect((await serveHls(stream, { path: 'nope/playlist.m3u8' })).status).toBe(404);
    expect((await serveHls(stream, { path: '../../etc/passwd' })).status).toBe(404);
  });

  it('releases a blocked request when the client goes away', async () => {
    const { stream, start, feed, timers } = setup();
    start();
    feed(1);
    const controller = new AbortController();
    const pending = serveHls(stream, {
      path: '720p/playlist.m3u8',
      query: { _HLS_msn: '1' },
      signal: controller.signal,
    });
    controller.abort();
    expect((await pending).status).toBe(499);
    expect(timers.pending).toBe(0);
  });

  it('answers blocked requests with the final playlist when the stream ends', async () => {
    const { stream, start, feed } = setup();
    start();
    feed(2);
    const pending = serveHls(stream, { path: '720p/playlist.m3u8', query: { _HLS_msn: '2' } });
    stream.end();
    const response = await pending;
    expect(response.status).toBe(200);
    expect(readPlaylist(String(response.body)).endList).toBe(true);
    expect(stream.ended).toBe(true);
  });
});
