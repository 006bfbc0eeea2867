// FLV tags (Adobe Flash Video File Format Specification v10.1, Annex E.4). The same bodies travel
// as RTMP audio (8), video (9) and data (18) messages, so this type is shared with the RTMP server.

export const FlvTagType = { Audio: 8, Video: 9, Script: 18 } as const;

export type FlvTagKind = 'audio' | 'video' | 'script';

export type FlvTag = {
  type: FlvTagKind;
  /**
   * Milliseconds. Written as 32 bits (UI24 + UI8 extension, E.4.1); values above 2^32 come from a
   * live source that unwraps the 32-bit RTMP clock, and are written modulo 2^32.
   */
  timestamp: number;
  /** The tag body exactly as carried (audio/video tag header included). */
  data: Buffer;
  /** A video frame a decoder can start from (key frame, not a sequence header). */
  keyframe?: boolean;
  /** AVC/HEVC/AV1/VP9 decoder configuration or AAC AudioSpecificConfig (and E-RTMP SequenceStart). */
  isSequenceHeader?: boolean;
};

export const FLV_TAG_HEADER_SIZE = 11;

export function tagTypeCode(kind: FlvTagKind): number {
  return kind === 'audio' ? FlvTagType.Audio : kind === 'video' ? FlvTagType.Video : FlvTagType.Script;
}

export function tagKind(code: number): FlvTagKind | undefined {
  return code === FlvTagType.Audio
    ? 'audio'
    : code === FlvTagType.Video
      ? 'video'
      : code === FlvTagType.Script
        ? 'script'
        : undefined;
}
