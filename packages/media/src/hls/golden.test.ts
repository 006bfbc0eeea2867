// Golden playlists: the exact text we serve, for review in diffs. UPDATE_GOLDEN=1 rewrites them.
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LlHlsStream } from './ll-hls-stream.ts';
import { renderMasterPlaylist } from './master-playlist.ts';
import { renderMediaPlaylist } from './media-playlist.ts';
import { fakeFragment, fakeInit, ManualTimers } from './testing/fake-media.ts';

function golden(name: string, actual: string): void {
  const url = new URL(`./__golden__/${name}`, import.meta.url);
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(url, actual);
  expect(actual).toBe(readFileSync(url, 'utf8'));
}

const T0 = Date.UTC(2025, 0, 1, 12, 0, 0);
const FRAGMENT = 18000; // 0.2 s at 90 kHz
const GOP = 5; // fragments per keyframe: 1 s GOPs

/** Two video renditions fed the same 1 s GOPs of 0.2 s fragments, starting at `T0`. */
function liveStream() {
  const stream = new LlHlsStream({
    renditions: [
      { name: '720p', bandwidth: 3_000_000 },
      { name: '480p', bandwidth: 1_500_000 },
    ],
    targetDuration: 1,
    partTarget: 0.2,
    windowDuration: 10,
    now: () => T0,
    timers: new ManualTimers(),
  });
  let fragments = 0;
  const feed = (count: number, only?: string) => {
    for (let i = 0; i < count; i++) {
      const n = fragments++;
      for (const name of only ? [only] : stream.renditionNames) {
        stream.push(name, {
          type: 'fragment',
          fragment: fakeFragment({ ticks: FRAGMENT, independent: n % GOP === 0, decodeTime: n * FRAGMENT }),
        });
      }
    }
  };
  for (const name of stream.renditionNames) stream.push(name, { type: 'init', init: fakeInit() });
  return { stream, feed };
}

describe('golden playlists', () => {
  it('master playlist with a ladder and a separate audio group', () => {
    golden(
      'master.m3u8',
      renderMasterPlaylist({
        independentSegments: true,
        audio: [{ groupId: 'audio', name: 'main', uri: 'audio/playlist.m3u8', default: true, channels: '2' }],
        variants: [
          {
            uri: '720p/playlist.m3u8',
            bandwidth: 3_128_000,
            averageBandwidth: 2_900_000,
            codecs: ['avc1.64001F', 'mp4a.40.2'],
            resolution: { width: 1280, height: 720 },
            frameRate: 30,
            audioGroup: 'audio',
          },
          {
            uri: '360p/playlist.m3u8',
            bandwidth: 928_000,
            codecs: ['avc1.4D401E', 'mp4a.40.2'],
            resolution: { width: 640, height: 360 },
            frameRate: 29.97,
            audioGroup: 'audio',
          },
        ],
      }),
    );
  });

  it('plain live media playlist (no low-latency tags)', () => {
    golden(
      'media-live.m3u8',
      renderMediaPlaylist({
        version: 7,
        targetDuration: 2,
        mediaSequence: 41,
        discontinuitySequence: 0,
        independentSegments: true,
        segments: [
          { uri: 'seg-41.m4s', duration: 2, mapUri: 'init-0.mp4', programDateTime: T0 },
          { uri: 'seg-42.m4s', duration: 2.002, programDateTime: T0 + 2000 },
          { uri: 'seg-43.m4s', duration: 1.99866, programDateTime: T0 + 4002 },
        ],
      }),
    );
  });

  it('low-latency playlist with parts, preload hint and rendition reports', () => {
    const { stream, feed } = liveStream();
    feed(61); // 12 s of complete segments + the first part of segment 12
    feed(1, '720p');
    golden('media-ll.m3u8', stream.mediaPlaylist('720p')!);
  });

  it('delta update with EXT-X-SKIP', () => {
    const { stream, feed } = liveStream();
    feed(61);
    feed(1, '720p');
    golden('media-delta.m3u8', stream.mediaPlaylist('720p', { skip: true })!);
  });

  it('ended playlist with EXT-X-ENDLIST', () => {
    const { stream, feed } = liveStream();
    feed(23);
    stream.end();
    golden('media-ended.m3u8', stream.mediaPlaylist('720p')!);
  });

  it('discontinuity with a new init segment (ffmpeg restarted)', () => {
    const { stream, feed } = liveStream();
    feed(12);
    stream.discontinuity();
    for (const name of stream.renditionNames) stream.push(name, { type: 'init', init: fakeInit({ tag: 1 }) });
    // the restarted encoder's timestamps begin at zero again
    for (let n = 0; n < 8; n++) {
      for (const name of stream.renditionNames) {
        stream.push(name, {
          type: 'fragment',
          fragment: fakeFragment({ ticks: FRAGMENT, independent: n % GOP === 0, decodeTime: n * FRAGMENT }),
        });
      }
    }
    golden('media-discontinuity.m3u8', stream.mediaPlaylist('720p')!);
  });
});
