import { describe, expect, it } from 'vitest';
import { currentTracks, type MediaFacts, tracksWhenReady } from './tracks.ts';

const h264 = { codec: 'avc', width: 1280, height: 720, fps: 30 };
const aac = { codec: 'aac', sampleRate: 48000, channels: 2 };
const facts = (f: Partial<MediaFacts>): MediaFacts => ({
  metadata: undefined,
  video: undefined,
  audio: undefined,
  mediaElapsedMs: 0,
  ...f,
});

describe('tracksWhenReady', () => {
  it('waits for every track onMetaData announces, then names codecs as ffmpeg does', () => {
    const metadata = { videocodecid: 7, audiocodecid: 10, videodatarate: 2500, audiodatarate: 160 };
    expect(tracksWhenReady(facts({ metadata, video: h264 }))).toBeUndefined();
    expect(tracksWhenReady(facts({ metadata, video: h264, audio: aac }))).toEqual({
      video: { codec: 'h264', width: 1280, height: 720, fps: 30 },
      audio: { codec: 'aac', sampleRate: 48000, channels: 2 },
      bitrateKbps: 2660,
    });
  });

  it('starts audio-only and video-only streams with the other track null', () => {
    expect(tracksWhenReady(facts({ metadata: { audiocodecid: 10 }, audio: aac }))).toMatchObject({
      video: null,
      audio: { codec: 'aac' },
      bitrateKbps: null,
    });
    expect(tracksWhenReady(facts({ metadata: { videocodecid: 7 }, video: h264 }))).toMatchObject({
      video: { width: 1280 },
      audio: null,
    });
  });

  it('without onMetaData gives the other track a moment of media to show up', () => {
    expect(tracksWhenReady(facts({ video: h264, mediaElapsedMs: 200 }))).toBeUndefined();
    expect(tracksWhenReady(facts({ video: h264, mediaElapsedMs: 1000 }))).toMatchObject({ audio: null });
    expect(tracksWhenReady(facts({ video: h264, audio: aac }))).toMatchObject({ video: { codec: 'h264' } });
  });

  it('gives up on an announced track that never comes after maxWaitMs', () => {
    const metadata = { videocodecid: 7, audiocodecid: 10 };
    expect(tracksWhenReady(facts({ metadata, video: h264, mediaElapsedMs: 2999 }))).toBeUndefined();
    expect(tracksWhenReady(facts({ metadata, video: h264, mediaElapsedMs: 3000 }))).toMatchObject({ audio: null });
  });

  it('falls back to onMetaData for what the sequence headers do not say', () => {
    const metadata = { width: 640, height: 360, framerate: 25, audiosamplerate: 44100, stereo: true };
    expect(
      tracksWhenReady(facts({ metadata, video: { codec: 'vp6' }, audio: { codec: 'mp3' }, mediaElapsedMs: 10 })),
    ).toEqual({
      video: { codec: 'vp6', width: 640, height: 360, fps: 25 },
      audio: { codec: 'mp3', sampleRate: 44100, channels: 2 },
      bitrateKbps: null,
    });
  });

  it('never describes a video track it cannot size (the contract needs width and height)', () => {
    expect(tracksWhenReady(facts({ video: { codec: 'avc' }, mediaElapsedMs: 5000 }))).toBeUndefined();
    expect(tracksWhenReady(facts({ video: { codec: 'avc' }, audio: aac, mediaElapsedMs: 5000 }))).toMatchObject({
      video: null,
      audio: { codec: 'aac' },
    });
  });

  it('currentTracks follows a new resolution', () => {
    expect(currentTracks(facts({ video: { ...h264, width: 640, height: 360 } })).video).toMatchObject({
      width: 640,
      height: 360,
    });
  });
});
