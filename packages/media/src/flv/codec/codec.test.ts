import { describe, expect, it } from 'vitest';
import { parseAudioTagHeader } from '../audio-tag.ts';
import { parseVideoTagHeader } from '../video-tag.ts';
import { aacCodecInfo, parseAudioSpecificConfig } from './aac.ts';
import { av1CodecInfo } from './av1.ts';
import { audioCodecInfo, videoCodecInfo } from './codec-info.ts';
import { avcCodecInfo, parseAvcDecoderConfigurationRecord, parseH264Sps } from './h264.ts';
import { hevcCodecInfo } from './hevc.ts';
import { parseVp9KeyframeSize, vp9CodecInfo } from './vp9.ts';

// Sequence header tag bodies written by ffmpeg 5.1 / x264 (FLV video tags, 5-byte AVC header).
const AVC_TAGS = {
  baseline360p30: '17000000000142c01effe100196742c01eda0280bfe5c044000003000400000300f23c58ba8001000468ce0fc8',
  baseline1080p25: '17000000000142c028ffe100196742c028da01e0089f97011000000300100000030320f1832a01000468ce0fc8',
  high720p60: '170000000001640020ffe1001967640020acd9405005bb0110000003001000000780f183196001000468ef8fcbfdf8f800',
  high444: '170000000001f4000dffe1001967f4000d919b28283f6022000003000200000300781e28532c01000668ef8f192190fff8f800',
  interlaced576i: '17000000000164001effe100186764001eacd940b424d8088000000300800000190f8a14cb01000468fe8fcbfdf8f800',
};

// hvcC from x265 (320x180, Main, level 2), av1C from SVT-AV1 (320x180), vpcC from libvpx (as in MP4).
const HVCC =
  '0101600000009000000000003cf000fcfdf8f800000f03200001001840010c01ffff01600000030090000003000003003c959409210001002b42010101600000030090000003000003003ca00a080c1f3e595952930bc05a020000030002000003003c1022000100064401c073c189';
const AV1C = '81000c000a0b000000043cfecc02f80040';
const VPCC = '01000000000b820202020000';
const VP9_KEYFRAME = '824983420013f00b360638241c184a000ce05fcdf7fbfcdf';

const hex = (s: string) => Buffer.from(s, 'hex');

describe('H.264 (AVCDecoderConfigurationRecord + SPS)', () => {
  it.each([
    ['baseline360p30', { codecString: 'avc1.42c01e', width: 640, height: 360, fps: 30, profile: 66, level: 30 }],
    ['baseline1080p25', { codecString: 'avc1.42c028', width: 1920, height: 1080, fps: 25, level: 40 }], // cropped from 1088
    ['high720p60', { codecString: 'avc1.640020', width: 1280, height: 720, fps: 60, profile: 100 }],
    ['high444', { width: 320, height: 240, profile: 244, chromaFormat: 3 }],
    ['interlaced576i', { width: 720, height: 576, fps: 25 }], // field pairs: frame_mbs_only = 0
  ] as const)('%s', (name, expected) => {
    const tag = hex(AVC_TAGS[name]);
    const header = parseVideoTagHeader(tag);
    expect(header).toMatchObject({ codec: 'avc', isSequenceHeader: true, keyframe: false, payloadOffset: 5 });
    expect(videoCodecInfo(header, tag)).toMatchObject({ codec: 'avc', ...expected });
  });

  it('reads SPS fields directly and the record layout', () => {
    const record = parseAvcDecoderConfigurationRecord(hex(AVC_TAGS.interlaced576i).subarray(5));
    expect(record).toMatchObject({ profile: 100, level: 30, nalLengthSize: 4 });
    expect(record.sps).toHaveLength(1);
    expect(record.pps).toHaveLength(1);
    expect(parseH264Sps(record.sps[0]!)).toMatchObject({ frameMbsOnly: false, width: 720, height: 576 });
  });

  it('throws on records that are not AVC configuration records', () => {
    expect(() => avcCodecInfo(Buffer.of(0, 1, 2))).toThrow();
    expect(() => avcCodecInfo(hex('0142c01effe1ff00'))).toThrow(); // SPS length beyond the record
  });
});

describe('HEVC, AV1, VP9', () => {
  it('HEVC: size from the SPS, RFC 6381 string from the record', () => {
    expect(hevcCodecInfo(hex(HVCC))).toMatchObject({
      codec: 'hevc',
      codecString: 'hvc1.1.6.L60.90',
      width: 320,
      height: 180,
      profile: 1,
      level: 60,
      bitDepth: 8,
    });
  });

  it('AV1: size from the sequence header OBU', () => {
    expect(av1CodecInfo(hex(AV1C))).toMatchObject({
      codec: 'av1',
      codecString: 'av01.0.00M.08',
      width: 320,
      height: 180,
      bitDepth: 8,
    });
  });

  it('VP9: profile from vpcC (with or without FullBox prefix), size from a key frame', () => {
    expect(vp9CodecInfo(hex(VPCC))).toMatchObject({ codec: 'vp9', codecString: 'vp09.00.11.08', profile: 0 });
    expect(vp9CodecInfo(hex(VPCC).subarray(4))).toMatchObject({ codecString: 'vp09.00.11.08' });
    expect(parseVp9KeyframeSize(hex(VP9_KEYFRAME))).toEqual({ width: 320, height: 180 });
    expect(parseVp9KeyframeSize(hex('86'))).toBeUndefined(); // inter frame
  });
});

describe('AAC AudioSpecificConfig (ISO/IEC 14496-3 §1.6.2.1)', () => {
  it('AAC-LC 48 kHz mono, as ffmpeg sends it', () => {
    const tag = hex('af001188');
    const header = parseAudioTagHeader(tag);
    expect(header).toMatchObject({ codec: 'aac', isSequenceHeader: true, payloadOffset: 2 });
    expect(audioCodecInfo(header, tag)).toEqual({
      codec: 'aac',
      codecString: 'mp4a.40.2',
      objectType: 2,
      sampleRate: 48000,
      channels: 1,
    });
  });

  it('HE-AAC with explicit SBR reports the output rate', () => {
    // aot 5, core 24 kHz (index 6), 2 channels, extension 48 kHz (index 3), then aot 2
    const asc = Buffer.of(0b00101011, 0b00010001, 0b10001000);
    expect(parseAudioSpecificConfig(asc)).toMatchObject({
      objectType: 5,
      sampleRate: 24000,
      extensionSampleRate: 48000,
    });
    expect(aacCodecInfo(asc)).toMatchObject({ codecString: 'mp4a.40.5', sampleRate: 48000, channels: 2 });
  });

  it('escape values: object type 31+, explicit frequency', () => {
    // aot escape 31 -> 32 + 0 = 32, frequency index 15 + 24-bit 44100, channel config 2
    const bits = '11111' + '000000' + '1111' + (44100).toString(2).padStart(24, '0') + '0010';
    const bytes = Buffer.from(
      bits
        .padEnd(48, '0')
        .match(/.{8}/g)!
        .map((b) => Number.parseInt(b, 2)),
    );
    expect(parseAudioSpecificConfig(bytes)).toMatchObject({
      objectType: 32,
      sampleRate: 44100,
      channelConfiguration: 2,
    });
    expect(() => parseAudioSpecificConfig(Buffer.of(0x16))).toThrow();
  });
});

describe('video tag headers: legacy and Enhanced RTMP', () => {
  it('legacy AVC NALU: key frame flag and signed composition time', () => {
    expect(parseVideoTagHeader(hex('1701ffffec00'))).toMatchObject({
      keyframe: true,
      compositionTime: -20,
      packet: 'codedFrames',
    });
    expect(parseVideoTagHeader(hex('270100002100'))).toMatchObject({ keyframe: false, compositionTime: 33 });
    expect(parseVideoTagHeader(hex('1702000000'))).toMatchObject({ packet: 'sequenceEnd', keyframe: false });
    expect(parseVideoTagHeader(hex('52'))).toMatchObject({ packet: 'command', codec: 'h263' });
    expect(() => parseVideoTagHeader(hex('1701'))).toThrow();
  });

  it('legacy codec id 12 is HEVC (the pre-E-RTMP CDN convention)', () => {
    expect(parseVideoTagHeader(hex('1c00000000'))).toMatchObject({ codec: 'hevc', isSequenceHeader: true });
  });

  it('E-RTMP: SequenceStart, CodedFrames (with CTS), CodedFramesX, SequenceEnd, Metadata', () => {
    const fourcc = (s: string) => Buffer.from(s).toString('hex');
    expect(parseVideoTagHeader(hex(`90${fourcc('hvc1')}01`))).toMatchObject({
      enhanced: true,
      codec: 'hevc',
      fourCc: 'hvc1',
      isSequenceHeader: true,
      keyframe: false,
      payloadOffset: 5,
    });
    expect(parseVideoTagHeader(hex(`91${fourcc('hvc1')}00002a00`))).toMatchObject({
      keyframe: true,
      compositionTime: 42,
      payloadOffset: 8,
    });
    expect(parseVideoTagHeader(hex(`a3${fourcc('hvc1')}00`))).toMatchObject({
      keyframe: false,
      packet: 'codedFrames',
      payloadOffset: 5,
    });
    expect(parseVideoTagHeader(hex(`91${fourcc('av01')}12`))).toMatchObject({
      codec: 'av1',
      keyframe: true,
      payloadOffset: 5,
    });
    expect(parseVideoTagHeader(hex(`90${fourcc('vp09')}`))).toMatchObject({ codec: 'vp9', isSequenceHeader: true });
    expect(parseVideoTagHeader(hex(`92${fourcc('av01')}`))).toMatchObject({ packet: 'sequenceEnd' });
    expect(parseVideoTagHeader(hex(`94${fourcc('hvc1')}02`))).toMatchObject({ packet: 'metadata', keyframe: false });
    expect(parseVideoTagHeader(hex('d001'))).toMatchObject({ packet: 'command' }); // frame type 5, no FourCC
  });

  it('E-RTMP v2: ModEx prefixes and multitrack packets', () => {
    const fourcc = (s: string) => Buffer.from(s).toString('hex');
    // ModEx: size-1 = 2 (3 bytes of nanosecond offset), then modExType 0 / packet type 1 (CodedFrames)
    expect(parseVideoTagHeader(hex(`97020001f401${fourcc('av01')}aa`))).toMatchObject({
      codec: 'av1',
      keyframe: true,
      payloadOffset: 10,
    });
    // Multitrack, OneTrack (0) of SequenceStart for hvc1
    expect(parseVideoTagHeader(hex(`9600${fourcc('hvc1')}00`))).toMatchObject({
      multitrack: true,
      codec: 'hevc',
      isSequenceHeader: true,
    });
    // ManyTracksManyCodecs (2): no FourCC at the top
    expect(parseVideoTagHeader(hex('962101'))).toMatchObject({ multitrack: true, codec: 'unknown', keyframe: true });
  });

  it('audio: legacy flags and the E-RTMP v2 ExAudioTagHeader', () => {
    expect(parseAudioTagHeader(hex('2f'))).toMatchObject({ codec: 'mp3', legacyRate: 44100, legacyChannels: 2 });
    expect(parseAudioTagHeader(hex('52'))).toMatchObject({ codec: 'nellymoser', legacyRate: 8000 });
    const opusHead = Buffer.concat([Buffer.from('OpusHead'), Buffer.of(1, 2, 0x38, 0x01, 0x80, 0xbb, 0, 0, 0, 0, 0)]);
    const tag = Buffer.concat([hex(`90${Buffer.from('Opus').toString('hex')}`), opusHead]);
    const header = parseAudioTagHeader(tag);
    expect(header).toMatchObject({ enhanced: true, codec: 'opus', isSequenceHeader: true, payloadOffset: 5 });
    expect(audioCodecInfo(header, tag)).toMatchObject({ codec: 'opus', sampleRate: 48000, channels: 2 });
    // MP3 frame header: MPEG-1 layer 3, 48 kHz, joint stereo
    const mp3 = hex('2ffffb6440');
    expect(audioCodecInfo(parseAudioTagHeader(mp3), mp3)).toMatchObject({
      codec: 'mp3',
      sampleRate: 48000,
      channels: 2,
    });
  });
});
