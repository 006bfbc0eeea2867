/**
 * A complete server-to-client WebSocket text frame (RFC 6455 §5.2: FIN, opcode 1, unmasked, no
 * extension) around an already encoded payload. Frames from a server are never masked, so one
 * event's frame is the same bytes for every client: it is built once per node and written to
 * every socket as it is, instead of framing it again for each client.
 */
export function textFrame(payload: Buffer): Buffer {
  const length = payload.length;
  const headerLength = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(headerLength + length);
  frame[0] = 0x81;
  if (length < 126) frame[1] = length;
  else if (length < 65_536) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  payload.copy(frame, headerLength);
  return frame;
}
