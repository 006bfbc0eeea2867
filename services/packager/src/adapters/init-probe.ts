import { childBoxes, parseInitSegment } from '@phzzk/media/fmp4';
import type { InitProbe } from '../domain/media-reader.ts';

/** Codecs and resolution of an init segment, for the CODECS and RESOLUTION of a master playlist. */
export const probeInit: InitProbe = (bytes) => {
  let ftyp: Uint8Array | undefined;
  let moov: Uint8Array | undefined;
  for (const box of childBoxes(bytes, 0, bytes.length)) {
    if (box.type === 'ftyp') ftyp = bytes.subarray(box.start, box.end);
    if (box.type === 'moov') moov = bytes.subarray(box.start, box.end);
  }
  if (!moov) throw new Error('init segment without moov');
  const init = parseInitSegment(ftyp, moov);
  const codecs: string[] = [];
  let resolution: { width: number; height: number } | undefined;
  for (const track of init.tracks) {
    if (track.codec && !codecs.includes(track.codec)) codecs.push(track.codec);
    if (track.kind === 'video' && track.width && track.height)
      resolution = { width: track.width, height: track.height };
  }
  return { codecs, resolution };
};
