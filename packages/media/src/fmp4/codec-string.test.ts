import { describe, expect, it } from 'vitest';
import {
  av1CodecString,
  avcCodecString,
  hevcCodecString,
  mp4aCodecString,
  parseEsds,
  vp9CodecString,
} from './codec-string.ts';
import { concat, u8, u24, u32 } from './testing/mp4-builder.ts';

const esds = (oti: number, asc: number[]) =>
  concat(
    u8(0),
    u24(0),
    Uint8Array.of(0x03, 0x80, 0x80, 0x80, 25, 0, 1, 0),
    Uint8Array.of(0x04, 17 + asc.length, oti, 0x15, 0, 0, 0),
    u32(0),
    u32(0),
    Uint8Array.of(0x05, asc.length, ...asc),
  );

describe('codec strings (RFC 6381)', () => {
  it('avc1 from avcC', () => {
    expect(avcCodecString('avc1', Uint8Array.of(1, 0x64, 0x00, 0x1f))).toBe('avc1.64001F');
    expect(avcCodecString('avc3', Uint8Array.of(1, 0x42, 0xc0, 0x0d))).toBe('avc3.42C00D');
  });

  it('hvc1 from hvcC (ISO/IEC 14496-15 Annex E examples)', () => {
    // Main, compatibility flags 1 and 2, constraint byte 0x90, level 3.1
    const main = Uint8Array.of(1, 0x01, 0x60, 0, 0, 0, 0x90, 0, 0, 0, 0, 0, 93, 0xf0);
    expect(hevcCodecString('hvc1', main)).toBe('hvc1.1.6.L93.90');
    // Main 10, high tier bit clear, constraint 0xB0, level 4.1
    const main10 = Uint8Array.of(1, 0x02, 0x20, 0, 0, 0, 0xb0, 0, 0, 0, 0, 0, 123, 0xf0);
    expect(hevcCodecString('hev1', main10)).toBe('hev1.2.4.L123.B0');
  });

  it('av01 from av1C', () => {
    expect(av1CodecString(Uint8Array.of(0x81, 0x08, 0x0c, 0))).toBe('av01.0.08M.08');
    expect(av1CodecString(Uint8Array.of(0x81, 0x2d, 0xc0, 0))).toBe('av01.1.13H.10');
  });

  it('vp09 from vpcC', () => {
    expect(vp9CodecString('vp09', Uint8Array.of(1, 0, 0, 0, 0, 31, 0x80, 0))).toBe('vp09.00.31.08');
  });

  it('mp4a from esds, including the escaped audio object type', () => {
    expect(mp4aCodecString(esds(0x40, [0x12, 0x10]))).toBe('mp4a.40.2');
    expect(mp4aCodecString(esds(0x40, [0x2b, 0x92]))).toBe('mp4a.40.5');
    // AOT 31 escape: 32 + 10 = 42 (USAC)
    expect(mp4aCodecString(esds(0x40, [0xf9, 0x48, 0x80]))).toBe('mp4a.40.42');
    expect(mp4aCodecString(esds(0x6b, []))).toBe('mp4a.6B');
    expect(mp4aCodecString(Uint8Array.of(0, 0, 0, 0, 0x03))).toBe('mp4a');
  });

  it('takes channels and sample rate from the AudioSpecificConfig, not the template sample entry', () => {
    // LC, 48 kHz (index 3), mono: 00010 0011 0001 000
    expect(parseEsds(esds(0x40, [0x11, 0x88]))).toEqual({ codec: 'mp4a.40.2', channels: 1, sampleRate: 48000 });
    // LC, 44.1 kHz (index 4), 5.1 (config 6)
    expect(parseEsds(esds(0x40, [0x12, 0x30]))).toEqual({ codec: 'mp4a.40.2', channels: 6, sampleRate: 44100 });
  });
});
