// Reads only FLV tag headers (type and timestamp) from the bytes handed to ffmpeg, without copying
// payloads: enough to know when each input frame entered the encoder.

const FLV_HEADER = 9;
const PREVIOUS_TAG_SIZE = 4;
const TAG_HEADER = 11;

export type ScannedTag = { type: number; timestampMs: number };

export class FlvTagScanner {
  private headerLeft = FLV_HEADER + PREVIOUS_TAG_SIZE;
  /** Bytes of the current tag's payload (+ PreviousTagSize) still to skip. */
  private skip = 0;
  private readonly header = new Uint8Array(TAG_HEADER);
  private headerFill = 0;
  private failed = false;

  /** Returns the tags whose header completed within this chunk. */
  push(chunk: Uint8Array): ScannedTag[] {
    const tags: ScannedTag[] = [];
    if (this.failed) return tags;
    let at = 0;
    while (at < chunk.length) {
      if (this.headerLeft > 0) {
        const n = Math.min(this.headerLeft, chunk.length - at);
        if (this.headerLeft === FLV_HEADER + PREVIOUS_TAG_SIZE && chunk[at] !== 0x46) {
          this.failed = true; // not FLV: timing is best effort, never an error
          return tags;
        }
        this.headerLeft -= n;
        at += n;
        continue;
      }
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - at);
        this.skip -= n;
        at += n;
        continue;
      }
      const n = Math.min(TAG_HEADER - this.headerFill, chunk.length - at);
      this.header.set(chunk.subarray(at, at + n), this.headerFill);
      this.headerFill += n;
      at += n;
      if (this.headerFill < TAG_HEADER) break;
      this.headerFill = 0;
      const h = this.header;
      const size = (h[1]! << 16) | (h[2]! << 8) | h[3]!;
      const timestampMs = ((h[7]! << 24) | (h[4]! << 16) | (h[5]! << 8) | h[6]!) >>> 0;
      tags.push({ type: h[0]! & 0x1f, timestampMs });
      this.skip = size + PREVIOUS_TAG_SIZE;
    }
    return tags;
  }
}

export const FLV_TAG_AUDIO = 8;
export const FLV_TAG_VIDEO = 9;
