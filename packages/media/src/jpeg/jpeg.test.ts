import { describe, expect, it } from 'vitest';
import { isJpeg, JpegSplitter, jpegSize } from './jpeg.ts';

/** A minimal JPEG-shaped picture: SOI, APP0, SOF0 (height, width), scan data with a stuffed FF, EOI. */
function picture(width: number, height: number, fill: number): Buffer {
  const app0 = [0xff, 0xe0, 0x00, 0x04, 0x00, 0x00];
  const sof0 = [
    0xff,
    0xc0,
    0x00,
    0x0b,
    0x08,
    height >> 8,
    height & 0xff,
    width >> 8,
    width & 0xff,
    0x01,
    0x01,
    0x11,
    0x00,
  ];
  const scan = [0xff, 0xda, 0x00, 0x02, fill, 0xff, 0x00, fill];
  return Buffer.from([0xff, 0xd8, ...app0, ...sof0, ...scan, 0xff, 0xd9]);
}

describe('JpegSplitter', () => {
  it('cuts concatenated pictures however the pipe slices them', () => {
    const pictures = [picture(284, 160, 1), picture(640, 360, 2), picture(16, 16, 3)];
    const stream = Buffer.concat(pictures);
    for (const size of [1, 2, 3, 7, stream.length]) {
      const splitter = new JpegSplitter();
      const out: Buffer[] = [];
      for (let i = 0; i < stream.length; i += size) out.push(...splitter.push(stream.subarray(i, i + size)));
      expect(out.map((b) => b.toString('hex'))).toEqual(pictures.map((b) => b.toString('hex')));
    }
  });

  it('drops bytes before a picture and keeps an unfinished one', () => {
    const splitter = new JpegSplitter();
    const p = picture(10, 20, 9);
    expect(splitter.push(Buffer.concat([Buffer.from([1, 2, 3]), p.subarray(0, 10)]))).toEqual([]);
    expect(splitter.push(p.subarray(10))).toEqual([p]);
  });
});

describe('jpegSize', () => {
  it('reads the start-of-frame dimensions', () => {
    expect(jpegSize(picture(284, 160, 0))).toEqual({ width: 284, height: 160 });
    expect(isJpeg(picture(1, 1, 0))).toBe(true);
  });

  it('answers undefined for what is not a JPEG or is cut short', () => {
    expect(jpegSize(Buffer.from('not a jpeg'))).toBeUndefined();
    expect(jpegSize(picture(284, 160, 0).subarray(0, 12))).toBeUndefined();
    expect(isJpeg(Buffer.from([0xff, 0xd8]))).toBe(false);
  });
});
