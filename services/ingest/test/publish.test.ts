import type { StreamEnded, StreamStarted } from '@phzzk/contracts';
import { waitFor } from '@phzzk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type IngestFixture, ingestFixture } from './support/ingest-harness.ts';
import { ffmpegPublish, ffprobeStreams, gstPublish } from './support/media-tools.ts';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('ingest: real publishers (ffmpeg, GStreamer) to stream events and an HTTP-FLV source', () => {
  let f: IngestFixture;

  beforeAll(async () => {
    f = await ingestFixture();
  });
  afterAll(async () => {
    await f?.close();
  });

  it('ffmpeg: stream.started with the media, a decodable source.flv, the lock, then stream.ended (unpublish)', async () => {
    const { channelId, streamKey } = f.newChannel();
    const publisher = ffmpegPublish(f.publishUrl(streamKey), { size: '640x360', seconds: 4 });
    try {
      const started = (await f.event('stream.started', channelId)).event!.data as StreamStarted['data'];
      expect(started).toMatchObject({
        channelId,
        ingestNode: f.node.running.context.identity.instanceId,
        video: { codec: 'h264', width: 640, height: 360, fps: 30 },
        audio: { codec: 'aac', sampleRate: 44100, channels: 1 },
      });
      expect(started.sessionId).toMatch(UUID_V7);
      expect(started.sourceUrl).toBe(`${f.node.running.url}/internal/sessions/${started.sessionId}/source.flv`);
      expect(await f.redis.get(`phzzk:ingest:live:${channelId}`)).toBe(started.sessionId);

      // A late joiner: decodes H.264 and AAC from the live session until it ends.
      const streams = await ffprobeStreams(started.sourceUrl);
      const video = streams.find((s) => s.codec_type === 'video');
      const audio = streams.find((s) => s.codec_type === 'audio');
      expect(video).toMatchObject({ codec_name: 'h264', width: 640, height: 360 });
      expect(audio).toMatchObject({ codec_name: 'aac', sample_rate: '44100' });
      expect(Number(video?.nb_read_frames)).toBeGreaterThan(30);
      expect(Number(audio?.nb_read_frames)).toBeGreaterThan(40);

      expect((await publisher.exited).code).toBe(0);
      const ended = (await f.event('stream.ended', channelId)).event!.data as StreamEnded['data'];
      expect(ended).toMatchObject({ sessionId: started.sessionId, channelId, reason: 'unpublish' });
      await waitFor(async () => (await f.redis.get(`phzzk:ingest:live:${channelId}`)) === null, {
        what: 'the live lock to be freed',
      });
      const events = f.eventsOf(channelId).map((m) => m.event?.type);
      expect(events).toEqual(['stream.started', 'stream.ended']);
      expect(f.eventsOf(channelId).every((m) => m.key === channelId)).toBe(true);
    } finally {
      publisher.kill();
    }
  });

  it('GStreamer rtmp2sink: goes live with H.264 + AAC and ends cleanly', async () => {
    const { channelId, streamKey } = f.newChannel();
    const publisher = gstPublish(f.publishUrl(streamKey));
    try {
      const started = (await f.event('stream.started', channelId)).event!.data as StreamStarted['data'];
      expect(started).toMatchObject({
        video: { codec: 'h264', width: 320, height: 180 },
        audio: { codec: 'aac', channels: expect.any(Number) },
      });
      const streams = await ffprobeStreams(started.sourceUrl);
      // flvmux sends onMetaData updates mid-stream; ffmpeg lists those as a data stream.
      const media = streams.filter((s) => s.codec_type === 'video' || s.codec_type === 'audio');
      expect(media.map((s) => s.codec_name).sort()).toEqual(['aac', 'h264']);
      expect(Number(streams.find((s) => s.codec_type === 'video')?.nb_read_frames)).toBeGreaterThan(10);
      const exit = await publisher.exited;
      expect(exit.code, publisher.stderr()).toBe(0);
      const ended = (await f.event('stream.ended', channelId)).event!.data as StreamEnded['data'];
      expect(ended.sessionId).toBe(started.sessionId);
      expect(['unpublish', 'disconnect']).toContain(ended.reason);
    } finally {
      publisher.kill();
    }
  });
});
