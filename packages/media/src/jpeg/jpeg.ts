// Just enough JPEG to cut ffmpeg's image2pipe output into pictures and to read their size.

const SOI = 0xd8;
const EOI = 0xd9;
/** Start-of-frame markers (baseline, extended, progressive, lossless...; not DHT/JPG/DAC). */
const SOF = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);
/** A picture larger than this is not a thumbnail: the stream is broken. */
const MAX_PICTURE_BYTES = 8 << 20;

export function isJpeg(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === SOI && bytes[2] === 0xff;
}

/**
 * Splits a stream of concatenated JPEG pictures (ffmpeg `-f image2pipe -c:v mjpeg`). Inside the
 * entropy-coded data a 0xFF byte is always stuffed (FF 00) or a restart marker, so FF D9 ends a
 * picture; ffmpeg's encoder writes no embedded EXIF thumbnail that could carry its own.
 */
export class JpegSplitter {
  private pending: Buffer = Buffer.alloc(0);

  /** The pictures completed by this chunk, in order. Bytes before a picture's SOI are dropped. */
  push(chunk: Uint8Array): Buffer[] {
    this.pending = this.pending.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.pending, chunk]);
    const pictures: Buffer[] = [];
    for (;;) {
      const start = this.pending.indexOf(SOI_BYTES);
      if (start < 0) {
        // Keep a trailing 0xFF: it may begin the next SOI.
        this.pending = this.pending.at(-1) === 0xff ? this.pending.subarray(-1) : Buffer.alloc(0);
        return pictures;
      }
      const end = this.pending.indexOf(EOI_BYTES, start + 2);
      if (end < 0) {
        this.pending = this.pending.subarray(start);
        if (this.pending.length > MAX_PICTURE_BYTES) throw new RangeError('JPEG picture too large');
        return pictures;
      }
      pictures.push(Buffer.from(this.pending.subarray(start, end + 2)));
      this.pending = this.pending.subarray(end + 2);
    }
  }
}

const SOI_BYTES = Buffer.from([0xff, SOI]);
const EOI_BYTES = Buffer.from([0xff, EOI]);

/** Width and height from the first start-of-frame segment; undefined when there is none. */
export function jpegSize(bytes: Uint8Array): { width: number; height: number } | undefined {
  if (!isJpeg(bytes)) return undefined;
  let i = 2;
  while (i + 4 <= bytes.length) {
    if (bytes[i] !== 0xff) return undefined;
    const marker = bytes[i + 1]!;
    if (marker === 0xff) {
      i++; // fill byte
      continue;
    }
    const length = (bytes[i + 2]! << 8) | bytes[i + 3]!;
    if (SOF.has(marker)) {
      if (i + 9 > bytes.length) return undefined;
      return { height: (bytes[i + 5]! << 8) | bytes[i + 6]!, width: (bytes[i + 7]! << 8) | bytes[i + 8]! };
    }
    if (marker === EOI || length < 2) return undefined;
    i += 2 + length;
  }
  return undefined;
}
