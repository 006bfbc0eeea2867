// FLV serialisation (FLV spec v10.1 Annex E.2-E.4): file header, tags with PreviousTagSize, and
// onMetaData script tags.
import { encodeAmf0 } from './amf0.ts';
import { type Amf0Object, ecmaArray } from './amf-value.ts';
import { FlvFormatError } from './errors.ts';
import { FLV_TAG_HEADER_SIZE, type FlvTag, tagTypeCode } from './tag.ts';

export type FlvHeaderFlags = { audio: boolean; video: boolean };

const MAX_DATA_SIZE = 0xffffff;

/** The 9-byte FLV header (E.2) followed by PreviousTagSize0 = 0 (E.3). */
export function encodeFlvHeader(flags: FlvHeaderFlags): Buffer {
  const b = Buffer.alloc(13);
  b.write('FLV', 0, 'latin1');
  b[3] = 1; // version
  b[4] = (flags.audio ? 0x04 : 0) | (flags.video ? 0x01 : 0);
  b.writeUInt32BE(9, 5); // DataOffset: header size
  return b; // bytes 9-12: PreviousTagSize0 = 0
}

/** One tag (E.4.1 header + body) and the PreviousTagSize that follows it. */
export function encodeFlvTag(tag: Pick<FlvTag, 'type' | 'timestamp' | 'data'>): Buffer {
  const size = tag.data.length;
  if (size > MAX_DATA_SIZE) throw new FlvFormatError(`FLV tag body of ${size} bytes exceeds UI24`);
  const out = Buffer.allocUnsafe(FLV_TAG_HEADER_SIZE + size + 4);
  out[0] = tagTypeCode(tag.type); // Reserved = 0, Filter = 0 (not encrypted)
  out.writeUIntBE(size, 1, 3);
  const ts = ((tag.timestamp % 2 ** 32) + 2 ** 32) % 2 ** 32; // 32-bit clock, wraps like RTMP
  out.writeUIntBE(ts & 0xffffff, 4, 3);
  out[7] = ts >>> 24; // TimestampExtended: the upper 8 bits
  out.writeUIntBE(0, 8, 3); // StreamID, always 0
  tag.data.copy(out, FLV_TAG_HEADER_SIZE);
  out.writeUInt32BE(FLV_TAG_HEADER_SIZE + size, FLV_TAG_HEADER_SIZE + size);
  return out;
}

/** Script data body: a name and a value (E.4.4.1), e.g. "onMetaData" + ECMA array. */
export function encodeScriptData(name: string, value: Amf0Object): Buffer {
  return encodeAmf0(name, value);
}

/** An onMetaData script tag; the object is written as an ECMA array, as FLV files carry it. */
export function metadataTag(metadata: Amf0Object, timestamp = 0): FlvTag {
  const copy = ecmaArray({ ...metadata });
  return { type: 'script', timestamp, data: encodeScriptData('onMetaData', copy) };
}

/** A whole FLV file in memory: header, then each tag. */
export function encodeFlv(flags: FlvHeaderFlags, tags: Iterable<Pick<FlvTag, 'type' | 'timestamp' | 'data'>>): Buffer {
  const parts = [encodeFlvHeader(flags)];
  for (const tag of tags) parts.push(encodeFlvTag(tag));
  return Buffer.concat(parts);
}
