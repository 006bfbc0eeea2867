// Real clients: ffmpeg publishing over RTMP; ffprobe decoding the FLV we write from the session.
import { beforeAll, describe, expect, it } from 'vitest';
import { parseFlv } from '../flv/reader.ts';
import { avArgs } from './test-support/fixtures.ts';
import { harnessPerTest, writeSessionsTo } from './test-support/harness.ts';
import { probe, run } from './test-support/process.ts';
import { TestRtmpClient } from './test-support/rtmp-client.ts';
import { withDeadline } from './test-support/wait.ts';

const ffmpeg = (args: string[], timeoutMs = 20_000) =>
  run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', ...args], { timeoutMs });

describe('ffmpeg publishing (H.264 + AAC over RTMP)', () => {
  const { start, dir } = harnessPerTest();

  it('authorizes, parses codecs, delivers monotonic tags with 1 s key frames, and writes FLV ffprobe decodes', async () => {
    const harness = await start();
    const out = dir.file('session.flv');
    const flv = writeSessionsTo(harness, out);
    const url = `rtmp://127.0.0.1:${harness.port}/live/key-abc?token=xyz`;
    const result = await ffmpeg(['-re', ...avArgs({ size: '640x360', seconds: 3 }), url]);
    expect(result.code, result.stderr).toBe(0);

    const rec = await harness.publish();
    expect(await withDeadline(rec.ended, 5_000, 'session end')).toEqual({ reason: 'unpublish' });
    await flv.written();

    expect(harness.authorizeCalls).toHaveLength(1);
    expect(harness.authorizeCalls[0]).toMatchObject({
      app: 'live',
      streamKey: 'key-abc',
      query: 'token=xyz',
      tcUrl: `rtmp://127.0.0.1:${harness.port}/live`,
      publishType: 'live',
    });
    const { session, tags } = rec;
    expect(session.context).toEqual({ test: true });
    expect(session.codecs.video).toMatchObject({
      codec: 'avc',
      width: 640,
      height: 360,
      codecString: expect.stringMatching(/^avc1\./),
    });
    expect(session.codecs.video?.fps).toBeCloseTo(30, 0);
    expect(session.codecs.audio).toMatchObject({
      codec: 'aac',
      sampleRate: 48000,
      channels: 1,
      codecString: 'mp4a.40.2',
    });
    expect(session.metadata).toMatchObject({ width: 640, height: 360, videocodecid: 7, audiocodecid: 10 });

    for (const type of ['audio', 'video'] as const) {
      const ts = tags.filter((t) => t.type === type).map((t) => t.timestamp);
      expect(ts.every((t, i) => i === 0 || t >= ts[i - 1]!)).toBe(true);
    }
    const keyframes = tags.filter((t) => t.keyframe).map((t) => t.timestamp);
    expect(keyframes.length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < keyframes.length; i++)
      expect(Math.abs(keyframes[i]! - keyframes[i - 1]! - 1000)).toBeLessThanOrEqual(40);
    expect(
      tags
        .filter((t) => t.isSequenceHeader)
        .map((t) => t.type)
        .sort(),
    ).toEqual(['audio', 'video']);
    const frames = tags.filter((t) => t.type === 'video' && !t.isSequenceHeader).length;
    expect(frames).toBeGreaterThanOrEqual(88);
    expect(session.stats.videoTags).toBe(tags.filter((t) => t.type === 'video').length);

    // Our FLV is what a decoder accepts.
    const streams = await probe(out);
    const video = streams.find((s) => s.codec_type === 'video');
    const audio = streams.find((s) => s.codec_type === 'audio');
    expect(video).toMatchObject({ codec_name: 'h264', width: 640, height: 360 });
    expect(Number(video?.nb_read_frames)).toBeGreaterThanOrEqual(88);
    expect(audio).toMatchObject({ codec_name: 'aac', sample_rate: '48000' });
    expect(Number(audio?.nb_read_frames)).toBeGreaterThan(130);
    expect(streams.filter((s) => s.codec_type !== 'video' && s.codec_type !== 'audio')).toEqual([]);
  });

  it('rejects a bad key: ffmpeg fails, no session, no media', async () => {
    const harness = await start({
      authorize: () => ({ allow: false, code: 'BadName', description: 'unknown stream key' }),
    });
    const result = await ffmpeg([...avArgs({ seconds: 1 }), `rtmp://127.0.0.1:${harness.port}/live/wrong`]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/NetStream\.Publish\.BadName|unknown stream key/);
    expect(harness.authorizeCalls.map((c) => c.streamKey)).toEqual(['wrong']);
    expect(harness.recordings).toEqual([]);
  });

  it('refuses a second publisher on a live key and kicks the first on request', async () => {
    const h = await start({
      authorize: (request) =>
        h.server.findSession(request.app, request.streamKey)
          ? { allow: false, code: 'BadName', description: 'stream key already live' }
          : { allow: true, context: request.streamKey },
    });
    const url = `rtmp://127.0.0.1:${h.port}/live/shared`;
    const first = ffmpeg(['-re', ...avArgs({ seconds: 20 }), url], 30_000);
    const rec = await h.publish();
    const second = await ffmpeg([...avArgs({ seconds: 1 }), url]);
    expect(second.code).not.toBe(0);
    expect(second.stderr).toMatch(/already live|BadName/);
    expect(h.recordings).toHaveLength(1);
    expect(rec.session.ended).toBe(false);

    rec.session.kick('stream key rotated');
    expect(await withDeadline(rec.ended, 5_000, 'kick')).toEqual({ reason: 'kicked' });
    // The publisher sees its connection end long before its 20 s of input.
    const firstResult = await withDeadline(first, 10_000, 'kicked ffmpeg exits');
    expect(firstResult.stderr).toMatch(/Broken pipe|Connection reset|Error|error/i);
    expect(h.server.sessions()).toEqual([]);
  });

  it('accepts audio-only and video-only publishes', async () => {
    const harness = await start();
    const base = `rtmp://127.0.0.1:${harness.port}/live`;
    const audioOnly = await ffmpeg([
      '-f',
      'lavfi',
      '-i',
      'sine=sample_rate=44100',
      '-c:a',
      'aac',
      '-t',
      '1',
      '-f',
      'flv',
      `${base}/audio`,
    ]);
    expect(audioOnly.code, audioOnly.stderr).toBe(0);
    const a = await harness.publish(0);
    await withDeadline(a.ended, 5_000, 'audio-only end');
    expect(a.session.codecs).toEqual({ audio: expect.objectContaining({ codec: 'aac', sampleRate: 44100 }) });
    expect(a.session.hasVideo).toBe(false);
    expect(a.tags.some((t) => t.type === 'video')).toBe(false);

    const videoOnly = await ffmpeg([
      ...['-f', 'lavfi', '-i', 'testsrc2=size=160x90:rate=25', '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '25'],
      ...['-t', '1', '-f', 'flv', `${base}/video`],
    ]);
    expect(videoOnly.code, videoOnly.stderr).toBe(0);
    const v = await harness.publish(1);
    await withDeadline(v.ended, 5_000, 'video-only end');
    expect(v.session.codecs).toEqual({ video: expect.objectContaining({ codec: 'avc', width: 160, height: 90 }) });
    expect(v.session.hasAudio).toBe(false);
    expect(v.tags.filter((t) => t.type === 'video' && t.keyframe).length).toBeGreaterThanOrEqual(1);
  });

  describe('a resolution change mid-stream', () => {
    let first: Buffer;
    let second: Buffer;
    beforeAll(async () => {
      [first, second] = await Promise.all([
        dir.ffmpeg('a.flv', avArgs({ size: '320x180', seconds: 1 })),
        dir.ffmpeg('b.flv', avArgs({ size: '160x90', seconds: 1 })),
      ]);
    });

    it('surfaces both sequence headers and stays decodable', async () => {
      const harness = await start();
      const out = dir.file('switch.flv');
      const flv = writeSessionsTo(harness, out);
      const client = await TestRtmpClient.open(harness.port);
      const { streamId, code } = await client.startPublish('live', 'switch');
      expect(code).toBe('NetStream.Publish.Start');
      const a = parseFlv(first).tags;
      const b = parseFlv(second).tags.filter((t) => t.type !== 'script');
      const shift = (a.at(-1)?.timestamp ?? 0) + 33;
      for (const tag of a) client.sendTag(streamId, tag);
      for (const tag of b) client.sendTag(streamId, { ...tag, timestamp: tag.timestamp + shift });
      client.command('deleteStream', 0, null, [streamId]);
      const rec = await harness.publish();
      expect(await withDeadline(rec.ended, 5_000, 'end')).toEqual({ reason: 'unpublish' });
      client.close();
      await flv.written();

      const videoChanges = rec.codecs
        .filter((c) => c.changed === 'video')
        .map((c) => [c.codecs.video?.width, c.codecs.video?.height]);
      expect(videoChanges).toEqual([
        [320, 180],
        [160, 90],
      ]);
      expect(rec.session.codecs.video).toMatchObject({ width: 160, height: 90 });
      const probed = await run(
        'ffprobe',
        ['-v', 'error', '-select_streams', 'v', '-show_entries', 'frame=width', '-of', 'json', out],
        {
          timeoutMs: 20_000,
        },
      );
      const frames: { width: number }[] = JSON.parse(probed.stdout.toString()).frames;
      expect(new Set(frames.map((f) => f.width))).toEqual(new Set([320, 160]));
      expect(frames.length).toBeGreaterThanOrEqual(55);
    });
  });
});
