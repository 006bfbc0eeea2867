import { describe, expect, it } from 'vitest';
import { FlvTagType } from './tag.ts';
import { FlvTagScanner } from './tag-scanner.ts';

const FLV_TAG_VIDEO = FlvTagType.Video;
const FLV_TAG_AUDIO = FlvTagType.Audio;

function flvTag(type: number, timestampMs: number, size: number): Buffer {
  const tag = Buffer.alloc(11 + size + 4);
  tag[0] = type;
  tag.writeUIntBE(size, 1, 3);
  tag.writeUIntBE(timestampMs & 0xffffff, 4, 3);
  tag[7] = (timestampMs >>> 24) & 0xff;
  tag.writeUInt32BE(11 + size, 11 + size);
  return tag;
}

describe('FlvTagScanner', () => {
  it('reads tag types and timestamps from FLV split at any byte', () => {
    const header = Buffer.from([0x46, 0x4c, 0x56, 1, 5, 0, 0, 0, 9, 0, 0, 0, 0]);
    const bytes = Buffer.concat([
      header,
      flvTag(FLV_TAG_VIDEO, 1000, 40),
      flvTag(FLV_TAG_AUDIO, 1010, 7),
      flvTag(FLV_TAG_VIDEO, 0x1234567, 3),
    ]);
    for (const step of [1, 5, 64, bytes.length]) {
      const scanner = new FlvTagScanner();
      const tags = [];
      for (let at = 0; at < bytes.length; at += step) tags.push(...scanner.push(bytes.subarray(at, at + step)));
      expect(tags).toEqual([
        { kind: 'video', timestamp: 1000 },
        { kind: 'audio', timestamp: 1010 },
        { kind: 'video', timestamp: 0x1234567 },
      ]);
    }
    expect(new FlvTagScanner().push(Buffer.from('not flv at all'))).toEqual([]);
  });
});
