// A second, independent RTMP client implementation: GStreamer's rtmp2sink (flvmux + x264 + AAC).
import { describe, expect, it } from 'vitest';
import { parseVideoTagHeader } from '../flv/video-tag.ts';
import { harnessPerTest, writeSessionsTo } from './test-support/harness.ts';
import { probe, run } from './test-support/process.ts';
import { withDeadline } from './test-support/wait.ts';

// `npm test` installs GStreamer (gstreamer1.0-plugins-bad has rtmp2sink); it is never skipped.
describe('GStreamer rtmp2sink publishing', () => {
  const { start, dir } = harnessPerTest();

  it('publishes H.264 + AAC that we parse and re-serve as decodable FLV', async () => {
    const harness = await start();
    const out = dir.file('gst.flv');
    const flv = writeSessionsTo(harness, out);
    const location = `rtmp://127.0.0.1:${harness.port}/live/gst-key`;
    const description = [
      'videotestsrc num-buffers=60 ! video/x-raw,format=I420,width=320,height=240,framerate=30/1',
      '! x264enc tune=zerolatency speed-preset=ultrafast key-int-max=30 ! h264parse',
      `! flvmux name=mux streamable=true ! rtmp2sink location=${location}`,
      'audiotestsrc num-buffers=60 samplesperbuffer=1470 ! audio/x-raw,rate=44100,channels=2 ! audioconvert',
      '! avenc_aac ! aacparse ! mux.',
    ].join(' ');
    const result = await run('gst-launch-1.0', ['-q', ...description.split(' ')], { timeoutMs: 30_000 });
    expect(result.code, result.stderr).toBe(0);

    const rec = await harness.publish();
    expect(await withDeadline(rec.ended, 5_000, 'session end')).toEqual({ reason: 'unpublish' });
    await flv.written();
    expect(harness.authorizeCalls[0]).toMatchObject({
      app: 'live',
      streamKey: 'gst-key',
      tcUrl: `rtmp://127.0.0.1:${harness.port}/live`,
    });
    expect(rec.session.codecs.video).toMatchObject({ codec: 'avc', width: 320, height: 240 });
    expect(rec.session.codecs.audio).toMatchObject({ codec: 'aac', sampleRate: 44100, channels: 2 });
    const keyframes = rec.tags.filter((t) => t.keyframe).map((t) => t.timestamp);
    expect(keyframes).toHaveLength(2);
    expect(keyframes[1]! - keyframes[0]!).toBeGreaterThanOrEqual(950);
    const coded = rec.tags.filter((t) => t.type === 'video' && parseVideoTagHeader(t.data).packet === 'codedFrames');
    expect(coded).toHaveLength(60); // plus an AVC end-of-sequence tag at EOS

    const streams = await probe(out);
    expect(streams.find((s) => s.codec_type === 'video')).toMatchObject({
      codec_name: 'h264',
      width: 320,
      height: 240,
      nb_read_frames: '60',
    });
    expect(streams.find((s) => s.codec_type === 'audio')).toMatchObject({
      codec_name: 'aac',
      sample_rate: '44100',
      channels: 2,
    });
  });
});
