import { readFileSync, rmSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StreamEnded, StreamStarted } from '@phzzk/contracts';
import { type FlvTag, FlvReader, parseFlv } from '@phzzk/media/flv';
import { waitFor } from '@phzzk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type IngestFixture, ingestFixture, startIngestNode } from './support/ingest-harness.ts';
import {
  get,
  captureSource,
  encodeFlvFile,
  ffmpegPublish,
  ffprobeFrameSizes,
  ffprobeStreams,
} from './support/media-tools.ts';
import { TestRtmpClient } from '@phzzk/media/test-support/rtmp-client';

/** Reads source.flv tags (with arrival times) for `forMs`, then disconnects. */
function readTags(url: string, forMs: number): Promise<{ tag: FlvTag; atMs: number }[]> {
  return new Promise((resolve, reject) => {
    const reader = new FlvReader();
    const out: { tag: FlvTag; atMs: number }[] = [];
    const start = Date.now();
    const req = get(url, (res) => {
      if (res.statusCode !== 200) reject(new Error(`source answered ${res.statusCode}`));
      res.on('data', (chunk: Buffer) => {
        reader.push(chunk);
        for (let tag = reader.read(); tag; tag = reader.read()) out.push({ tag, atMs: Date.now() - start });
      });
      res.on('error', () => {});
    });
    req.on('error', () => {});
    setTimeout(() => {
      req.destroy();
      resolve(out);
    }, forMs);
  });
}

describe('ingest: media shapes and the late-joiner source', () => {
  let f: IngestFixture;
  const dir = mkdtempSync(join(tmpdir(), 'phzzk-ingest-'));

  beforeAll(async () => {
    // The scripted publisher below sends in bursts and waits between them: no stall ends it meanwhile.
    f = await ingestFixture({ INGEST_STALL_TIMEOUT_MS: '60000' });
  });
  afterAll(async () => {
    await f?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('audio-only and video-only streams start with the missing track null and decode', async () => {
    for (const shape of [
      { video: false, audio: true },
      { video: true, audio: false },
    ]) {
      const { channelId, streamKey } = f.newChannel();
      const publisher = ffmpegPublish(f.publishUrl(streamKey), { ...shape, seconds: 3 });
      try {
        const started = (await f.event('stream.started', channelId)).event!.data as StreamStarted['data'];
        if (shape.video) {
          expect(started.video).toMatchObject({ codec: 'h264', width: 320, height: 180 });
          expect(started.audio).toBeNull();
        } else {
          expect(started.video).toBeNull();
          expect(started.audio).toMatchObject({ codec: 'aac', sampleRate: 44100, channels: 1 });
        }
        const streams = await ffprobeStreams(started.sourceUrl);
        expect(streams.map((s) => s.codec_name)).toEqual([shape.video ? 'h264' : 'aac']);
        expect(Number(streams[0]?.nb_read_frames)).toBeGreaterThan(20);
        expect((await publisher.exited).code).toBe(0);
        expect(((await f.event('stream.ended', channelId)).event!.data as StreamEnded['data']).reason).toBe(
          'unpublish',
        );
      } finally {
        publisher.kill();
      }
    }
  });

  it('follows a resolution change mid-stream: readers decode both sizes, a later joiner the new one', async () => {
    const first = parseFlv(readFileSync(await encodeFlvFile(join(dir, 'a.flv'), '320x180', 2))).tags;
    const second = parseFlv(readFileSync(await encodeFlvFile(join(dir, 'b.flv'), '192x108', 2))).tags;
    const { channelId, streamKey } = f.newChannel();
    const client = await TestRtmpClient.open(f.node.rtmpPort);
    const { code, streamId } = await client.startPublish('live', streamKey);
    expect(code).toBe('NetStream.Publish.Start');
    const send = (tags: FlvTag[], offset = 0) => {
      for (const tag of tags) client.sendTag(streamId, { ...tag, timestamp: tag.timestamp + offset });
    };
    send(first.filter((t) => t.timestamp < 1000));
    const started = (await f.event('stream.started', channelId)).event!.data as StreamStarted['data'];
    expect(started.video).toMatchObject({ width: 320, height: 180 });
    const listed = async () => (await f.sessions()).find((s) => s.sessionId === started.sessionId);
    const readerBefore = captureSource(started.sourceUrl, join(dir, 'before.flv'));
    await readerBefore.receiving;
    send(first.filter((t) => t.timestamp >= 1000));

    const offset = Math.max(...first.map((t) => t.timestamp)) + 40;
    const media = second.filter((t) => t.type !== 'script');
    send(
      media.filter((t) => t.timestamp < 1000),
      offset,
    );
    await waitFor(async () => (await listed())?.video?.width === 192, { what: 'the new size in the listing' });
    const readerAfter = captureSource(started.sourceUrl, join(dir, 'after.flv'));
    await readerAfter.receiving;
    expect((await listed())?.readers).toBe(2);
    send(
      media.filter((t) => t.timestamp >= 1000),
      offset,
    );
    client.unpublish(streamId);

    // Both readers decoded with ffprobe once the session ended their responses.
    const before = await ffprobeFrameSizes(await readerBefore.done);
    const after = await ffprobeFrameSizes(await readerAfter.done);
    expect(before[0]).toBe('320,180');
    expect(before.at(-1)).toBe('192,108');
    expect(before.filter((s) => s === '320,180').length).toBeGreaterThan(40);
    expect(before.filter((s) => s === '192,108').length).toBeGreaterThan(40);
    expect(new Set(after)).toEqual(new Set(['192,108']));
    expect(after.length).toBeGreaterThan(40);
    const ended = (await f.event('stream.ended', channelId)).event!.data as StreamEnded['data'];
    expect(ended.reason).toBe('unpublish');
    client.close();
  });

  it('gives a late joiner the current GOP at once, from its key frame, with monotonic clocks', async () => {
    const { channelId, streamKey } = f.newChannel();
    // One key frame every 5 s: without the GOP cache a joiner would wait seconds for a picture.
    const publisher = ffmpegPublish(f.publishUrl(streamKey), { seconds: 30, gop: 150 });
    try {
      const started = (await f.event('stream.started', channelId)).event!.data as StreamStarted['data'];
      const listed = async () => (await f.sessions()).find((s) => s.sessionId === started.sessionId);
      await waitFor(async () => ((await listed())?.mediaTimeMs ?? 0) >= 2000, {
        what: '2 s of media into the first GOP',
      });
      const tags = await readTags(started.sourceUrl, 1000);
      const video = tags.filter((t) => t.tag.type === 'video' && !t.tag.isSequenceHeader);
      expect(tags[0]?.tag.type).toBe('script'); // onMetaData, then the sequence headers
      expect(
        tags
          .filter((t) => t.tag.isSequenceHeader)
          .map((t) => t.tag.type)
          .sort(),
      ).toEqual(['audio', 'video']);
      expect(video[0]?.tag.keyframe).toBe(true);
      expect(video[0]?.tag.timestamp).toBe(0);
      expect(video[0]?.atMs).toBeLessThan(1000);
      // More than 1.5 s of pictures within 1 s of wall time: the cached GOP came first.
      expect(video.at(-1)!.tag.timestamp).toBeGreaterThan(1500);
      for (const type of ['audio', 'video'] as const) {
        const clock = tags.filter((t) => t.tag.type === type).map((t) => t.tag.timestamp);
        expect(clock).toEqual([...clock].sort((a, b) => a - b));
      }
    } finally {
      publisher.kill();
    }
    expect(((await f.event('stream.ended', channelId)).event!.data as StreamEnded['data']).reason).toBe('disconnect');
  });

  it('drops a reader that does not keep up to the next key frame instead of buffering without bound', async () => {
    const node = await startIngestNode(f.channel.url, { INGEST_READER_MAX_BUFFERED_BYTES: String(256 * 1024) });
    const { channelId, streamKey } = f.newChannel();
    // Lossless noise: megabytes a second (cheap to encode), so a reader that reads nothing falls behind quickly.
    const publisher = ffmpegPublish(`${node.rtmpUrl}/${streamKey}`, {
      seconds: 30,
      videoArgs: ['-vf', 'noise=alls=100:allf=t+u', '-qp', '0'],
    });
    try {
      const started = (await f.event('stream.started', channelId)).event!.data as StreamStarted['data'];
      const stalled = await new Promise<IncomingMessage>((resolve, reject) =>
        get(started.sourceUrl, resolve).on('error', reject),
      );
      stalled.pause(); // reads nothing more
      const drops = async () => {
        const text = (await node.api.get<string>('/metrics')).body;
        return Number(/ingest_source_reader_drops_total\{[^}]*\} (\d+)/.exec(text)?.[1] ?? 0);
      };
      await waitFor(async () => (await drops()) > 0, { timeoutMs: 20_000, what: 'the slow reader to be dropped' });
      // A reader that keeps up still gets the stream.
      const live = await readTags(started.sourceUrl, 1500);
      expect(live.filter((t) => t.tag.type === 'video').length).toBeGreaterThan(10);
      stalled.destroy();
    } finally {
      publisher.kill();
      await node.stop();
    }
  });
});
