import { FlvFormatError } from '../errors.ts';

/**
 * Reads `count` NAL units that each follow their 16-bit big-endian length, as the decoder
 * configuration records (avcC, hvcC) hold parameter sets, from `offset` on. Returns them and the
 * offset past them; `record` names the record in the error when the data ends early.
 */
export function readParameterSets(
  data: Uint8Array,
  offset: number,
  count: number,
  record: string,
): { sets: Uint8Array[]; offset: number } {
  const sets: Uint8Array[] = [];
  let at = offset;
  for (let i = 0; i < count; i++) {
    if (at + 2 > data.length) throw new FlvFormatError(`${record} record truncated`);
    const length = (data[at]! << 8) | data[at + 1]!;
    at += 2;
    if (at + length > data.length) throw new FlvFormatError(`${record} record truncated`);
    sets.push(data.subarray(at, at + length));
    at += length;
  }
  return { sets, offset: at };
}
