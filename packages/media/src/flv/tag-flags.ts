// Classifies a tag body: key frame / sequence header flags the consumers of FlvTag rely on.
import { parseAudioTagHeader } from './audio-tag.ts';
import { FlvFormatError } from './errors.ts';
import type { FlvTag, FlvTagKind } from './tag.ts';
import { parseVideoTagHeader } from './video-tag.ts';

/** Builds an FlvTag with keyframe/isSequenceHeader set from the body; malformed bodies get neither. */
export function classifyTag(type: FlvTagKind, timestamp: number, data: Buffer): FlvTag {
  const tag: FlvTag = { type, timestamp, data };
  try {
    if (type === 'video') {
      const header = parseVideoTagHeader(data);
      tag.keyframe = header.keyframe;
      tag.isSequenceHeader = header.isSequenceHeader;
    } else if (type === 'audio') {
      tag.isSequenceHeader = parseAudioTagHeader(data).isSequenceHeader;
    }
  } catch (err) {
    if (!(err instanceof FlvFormatError)) throw err;
  }
  return tag;
}
