// Aggregate messages (Adobe RTMP spec 1.0 §7.1.6): several FLV-tag-shaped sub-messages in one
// message body, each followed by a 4-byte back pointer. Sub-message timestamps are relative to
// the first one; the aggregate's own timestamp is where the first lands.
import { RtmpProtocolError } from './errors.ts';
import type { RtmpMessage } from './messages.ts';

export function splitAggregate(message: RtmpMessage): RtmpMessage[] {
  const p = message.payload;
  const out: RtmpMessage[] = [];
  let offset = 0;
  let first: number | undefined;
  while (offset < p.length) {
    if (offset + 11 > p.length) throw new RtmpProtocolError('aggregate', 'truncated aggregate sub-message header');
    const typeId = p[offset]!;
    const size = p.readUIntBE(offset + 1, 3);
    const timestamp = (p.readUIntBE(offset + 4, 3) | (p[offset + 7]! << 24)) >>> 0;
    const end = offset + 11 + size;
    if (end > p.length) throw new RtmpProtocolError('aggregate', 'aggregate sub-message overruns the body');
    first ??= timestamp;
    out.push({
      csid: message.csid,
      typeId,
      streamId: message.streamId,
      timestamp: (message.timestamp + (timestamp - first)) >>> 0,
      payload: p.subarray(offset + 11, end),
    });
    offset = Math.min(p.length, end + 4); // back pointer (previous tag size), not checked
  }
  return out;
}
