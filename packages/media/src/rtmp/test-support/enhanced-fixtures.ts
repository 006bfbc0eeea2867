// Enhanced RTMP test media from real encoders (x265, SVT-AV1, libvpx): ffmpeg 5.1's FLV muxer
// predates E-RTMP, so tests build the ExVideoTagHeader tags themselves from elementary streams.
import { parseAv1SequenceHeaderObus } from '../../flv/codec/av1.ts';
import { unescapeRbsp } from '../../flv/codec/bit-reader.ts';
import type { FlvTag } from '../../flv/tag.ts';
import { VideoPacketType } from '../../flv/video-tag.ts';
import type { FixtureDir } from './fixtures.ts';

/** ExVideoTagHeader (E-RTMP v1): IsExHeader | FrameType | PacketType, FourCC, [SI24 CTS]. */
export function exVideoTag(
  frameType: number,
  packetType: number,
  fourCc: string,
  body: Uint8Array,
  cts?: number,
): Buffer {
  const head = Buffer.concat([Buffer.of(0x80 | (frameType << 4) | packetType), Buffer.from(fourCc, 'latin1')]);
  const time = cts === undefined ? Buffer.alloc(0) : Buffer.from([(cts >> 16) & 0xff, (cts >> 8) & 0xff, cts & 0xff]);
  return Buffer.concat([head, time, body]);
}

export function splitAnnexB(data: Buffer): Buffer[] {
  const nals: Buffer[] = [];
  let start = -1;
  for (let i = 0; i + 2 < data.length; i++) {
    if (data[i] === 0 && data[i + 1] === 0 && data[i + 2] === 1) {
      if (start >= 0) nals.push(trimZeros(data.subarray(start, i)));
      start = i + 3;
      i += 2;
    }
  }
  if (start >= 0) nals.push(data.subarray(start));
  return nals;
}

function trimZeros(nal: Buffer): Buffer {
  let end = nal.length;
  while (end > 0 && nal[end - 1] === 0) end--; // the zero_byte of a 4-byte start code
  return nal.subarray(0, end);
}

const hevcType = (nal: Buffer) => (nal[0]! >> 1) & 0x3f;

function lengthPrefixed(nals: Buffer[]): Buffer {
  return Buffer.concat(
    nals.flatMap((nal) => {
      const len = Buffer.alloc(4);
      len.writeUInt32BE(nal.length);
      return [len, nal];
    }),
  );
}

/** HEVCDecoderConfigurationRecord from VPS/SPS/PPS; general profile fields copied from the SPS. */
export function hevcRecord(vps: Buffer, sps: Buffer, pps: Buffer): Buffer {
  // After the NAL header (2) and vps id/max sub layers/nesting (1): 12 bytes of general PTL.
  const ptl = unescapeRbsp(sps.subarray(2)).subarray(1, 13);
  const head = Buffer.concat([
    Buffer.of(1),
    ptl, // profile space/tier/idc, compatibility (4), constraints (6), level
    Buffer.of(0xf0, 0x00, 0xfc, 0xfd, 0xf8, 0xf8, 0x00, 0x00, 0x0f, 3),
  ]);
  const array = (type: number, nal: Buffer) => {
    const b = Buffer.alloc(5);
    b[0] = 0x80 | type;
    b.writeUInt16BE(1, 1);
    b.writeUInt16BE(nal.length, 3);
    return Buffer.concat([b, nal]);
  };
  return Buffer.concat([head, array(32, vps), array(33, sps), array(34, pps)]);
}

/** 320x180 HEVC from x265 as E-RTMP tags: SequenceStart, then CodedFrames/CodedFramesX at 30 fps. */
export async function hevcTags(dir: FixtureDir, frames = 30): Promise<FlvTag[]> {
  const stream = await dir.ffmpeg('video.hevc', [
    ...['-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=30', '-frames:v', String(frames)],
    ...[
      '-c:v',
      'libx265',
      '-preset',
      'ultrafast',
      '-x265-params',
      'aud=1:keyint=15:bframes=0:log-level=error',
      '-f',
      'hevc',
    ],
  ]);
  const nals = splitAnnexB(stream);
  const find = (type: number) => nals.find((n) => hevcType(n) === type)!;
  const tags: FlvTag[] = [
    {
      type: 'video',
      timestamp: 0,
      data: exVideoTag(1, VideoPacketType.SequenceStart, 'hvc1', hevcRecord(find(32), find(33), find(34))),
    },
  ];
  let unit: Buffer[] = [];
  const flush = () => {
    const vcl = unit.filter((n) => hevcType(n) < 32);
    if (vcl.length === 0) return;
    const key = vcl.some((n) => hevcType(n) >= 16 && hevcType(n) <= 21);
    const index = tags.length - 1;
    const body = lengthPrefixed(unit.filter((n) => hevcType(n) !== 35 && (hevcType(n) < 32 || hevcType(n) > 34)));
    // Alternate the two coded-frame packet types: with (1) and without (3) composition time.
    const data =
      index % 2 === 0
        ? exVideoTag(key ? 1 : 2, VideoPacketType.CodedFrames, 'hvc1', body, 0)
        : exVideoTag(key ? 1 : 2, VideoPacketType.CodedFramesX, 'hvc1', body);
    tags.push({ type: 'video', timestamp: Math.round((index * 1000) / 30), data });
  };
  for (const nal of nals) {
    if (hevcType(nal) === 35) {
      flush();
      unit = [];
    }
    unit.push(nal);
  }
  flush();
  return tags;
}

/** Rebuilds an Annex B stream from delivered hvc1 tags (what a downstream packager would do). */
export function hevcAnnexBFromTags(tags: FlvTag[], recordNals: Buffer[]): Buffer {
  const startCode = Buffer.of(0, 0, 0, 1);
  const out: Buffer[] = recordNals.flatMap((n) => [startCode, n]);
  for (const tag of tags) {
    const type = tag.data[0]! & 0x0f;
    if (type !== VideoPacketType.CodedFrames && type !== VideoPacketType.CodedFramesX) continue;
    let p = type === VideoPacketType.CodedFrames ? 8 : 5;
    while (p + 4 <= tag.data.length) {
      const len = tag.data.readUInt32BE(p);
      out.push(startCode, tag.data.subarray(p + 4, p + 4 + len));
      p += 4 + len;
    }
  }
  return Buffer.concat(out);
}

/** AV1 from SVT-AV1 (low-overhead OBU stream) as av01 tags. */
export async function av1Tags(dir: FixtureDir, frames = 10): Promise<FlvTag[]> {
  const stream = await dir.ffmpeg('video.obu', [
    ...['-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=30', '-frames:v', String(frames)],
    ...['-c:v', 'libsvtav1', '-preset', '12', '-g', '5', '-f', 'obu'],
  ]);
  // Split into temporal units at temporal delimiter OBUs (type 2); drop the delimiters (av1C §2.4).
  const units: Buffer[][] = [];
  let sequenceHeader: Buffer | undefined;
  let offset = 0;
  while (offset < stream.length) {
    const header = stream[offset]!;
    const type = (header >> 3) & 0x0f;
    const headerSize = header & 0x04 ? 2 : 1;
    let size = 0;
    let p = offset + headerSize;
    for (let i = 0; ; i++) {
      const b = stream[p++]!;
      size += (b & 0x7f) * 2 ** (7 * i);
      if ((b & 0x80) === 0) break;
    }
    const obu = stream.subarray(offset, p + size);
    if (type === 2) units.push([]);
    else units.at(-1)?.push(obu);
    if (type === 1) sequenceHeader ??= obu;
    offset = p + size;
  }
  const seq = parseAv1SequenceHeaderObus(sequenceHeader!)!;
  const av1c = Buffer.concat([Buffer.of(0x81, (seq.profile << 5) | seq.level, 0x0c, 0x00), sequenceHeader!]);
  const tags: FlvTag[] = [
    { type: 'video', timestamp: 0, data: exVideoTag(1, VideoPacketType.SequenceStart, 'av01', av1c) },
  ];
  units.forEach((unit, i) => {
    const key = unit.some((obu) => ((obu[0]! >> 3) & 0x0f) === 1); // SVT repeats the sequence header on key frames
    tags.push({
      type: 'video',
      timestamp: Math.round((i * 1000) / 30),
      data: exVideoTag(key ? 1 : 2, VideoPacketType.CodedFrames, 'av01', Buffer.concat(unit)),
    });
  });
  return tags;
}

/** VP9 from libvpx (IVF) as vp09 tags. */
export async function vp9Tags(dir: FixtureDir, frames = 10): Promise<FlvTag[]> {
  const ivf = await dir.ffmpeg('video.ivf', [
    ...['-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=30', '-frames:v', String(frames)],
    ...['-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8', '-g', '5', '-f', 'ivf'],
  ]);
  const vpcc = Buffer.of(1, 0, 0, 0, 0, 10, 0x82, 2, 2, 2, 0, 0);
  const tags: FlvTag[] = [
    { type: 'video', timestamp: 0, data: exVideoTag(1, VideoPacketType.SequenceStart, 'vp09', vpcc) },
  ];
  let offset = ivf.readUInt16LE(6);
  let i = 0;
  while (offset + 12 <= ivf.length) {
    const size = ivf.readUInt32LE(offset);
    const frame = ivf.subarray(offset + 12, offset + 12 + size);
    const key = ((frame[0]! >> 2) & 1) === 0; // profile 0: frame_type bit, 0 = key frame
    tags.push({
      type: 'video',
      timestamp: Math.round((i++ * 1000) / 30),
      data: exVideoTag(key ? 1 : 2, VideoPacketType.CodedFrames, 'vp09', frame),
    });
    offset += 12 + size;
  }
  return tags;
}
