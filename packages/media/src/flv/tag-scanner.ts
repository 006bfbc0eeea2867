// Reads only FLV tag headers (kind and timestamp) from an FLV byte stream, without copying or
// keeping payloads: enough to know when each frame passed by (the transcoder's latency clock).
// FlvReader parses whole tags; this is its header-only sibling for bytes that flow elsewhere.
import { FLV_TAG_HEADER_SIZE, type FlvTagKind, tagKind } from './tag.ts';

const FLV_HEADER = 9;
const PREVIOUS_TAG_SIZE = 4;

export type ScannedTag = { kind: FlvTagKind | undefined; timestamp: number };

export class FlvTagScanner {
  private headerLeft = FLV_HEADER + PREVIOUS_TAG_SIZE;
  /** Bytes of the current tag's payload (+ PreviousTagSize) still to skip. */
  private skip = 0;
  private readonly header = new Uint8Array(FLV_TAG_HEADER_SIZE);
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
      const n = Math.min(FLV_TAG_HEADER_SIZE - this.headerFill, chunk.length - at);
      this.header.set(chunk.subarray(at, at + n), this.headerFill);
      this.headerFill += n;
      at += n;
      if (this.headerFill < FLV_TAG_HEADER_SIZE) break;
      this.headerFill = 0;
      const h = this.header;
      const size = (h[1]! << 16) | (h[2]! << 8) | h[3]!;
      const timestamp = ((h[7]! << 24) | (h[4]! << 16) | (h[5]! << 8) | h[6]!) >>> 0;
      tags.push({ kind: tagKind(h[0]! & 0x1f), timestamp });
      this.skip = size + PREVIOUS_TAG_SIZE;
    }
    return tags;
  }
}
