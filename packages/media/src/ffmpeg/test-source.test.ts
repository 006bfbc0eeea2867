import { describe, expect, it } from 'vitest';
import { testSourceInputs, x264TestEncoder } from './test-source.ts';

describe('testSourceInputs', () => {
  it('gives the picture then the tone, endless by default', () => {
    expect(testSourceInputs()).toEqual([
      ...['-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=30'],
      ...['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000'],
    ]);
  });

  it('bounds both inputs, and takes another size, rate, pattern and sample rate', () => {
    expect(
      testSourceInputs({ size: '160x90', rate: 25, pattern: 'mandelbrot', sampleRate: 44_100, seconds: 3 }),
    ).toEqual([
      ...['-f', 'lavfi', '-i', 'mandelbrot=size=160x90:rate=25:duration=3'],
      ...['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100:duration=3'],
    ]);
  });

  it('leaves out the picture or the tone when asked', () => {
    expect(testSourceInputs({ size: false })).toEqual(['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000']);
    expect(testSourceInputs({ sampleRate: false, rate: 0.5 })).toEqual([
      ...['-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=0.5'],
    ]);
  });
});

describe('x264TestEncoder', () => {
  it('encodes fast without B-frames, a key frame every gop frames', () => {
    expect(x264TestEncoder(30)).toEqual([
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-tune',
      'zerolatency',
      '-g',
      '30',
    ]);
  });
});
