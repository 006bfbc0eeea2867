import { FlvFormatError } from './errors.ts';

/** Enhanced RTMP v2 packet type 7, shared by audio and video tags. */
const MOD_EX = 7;

/**
 * Skips E-RTMP v2 "ModEx" modifier extensions (each a size, its data, then the next packet type
 * whose high nibble is the ModExType, e.g. a nanosecond timestamp offset) and returns the real
 * packet type and the offset just after it. `offset` points at the first extension's size byte.
 */
export function skipModEx(
  data: Uint8Array,
  offset: number,
  packetType: number,
  kind: 'audio' | 'video',
): { packetType: number; offset: number } {
  const need = (end: number) => {
    if (end > data.length) throw new FlvFormatError(`${kind} tag truncated (${data.length} bytes, need ${end})`);
  };
  let at = offset;
  let type = packetType;
  while (type === MOD_EX) {
    need(at + 1);
    let size = data[at++]! + 1;
    if (size === 256) {
      need(at + 2);
      size = ((data[at]! << 8) | data[at + 1]!) + 1;
      at += 2;
    }
    need(at + size + 1);
    at += size;
    type = data[at++]! & 0x0f;
  }
  return { packetType: type, offset: at };
}
