// RTMP message types and protocol control messages (Adobe RTMP spec 1.0, §5.4 and §6.2, §7.1).

export const MessageType = {
  SetChunkSize: 1,
  Abort: 2,
  Acknowledgement: 3,
  UserControl: 4,
  WindowAckSize: 5,
  SetPeerBandwidth: 6,
  Audio: 8,
  Video: 9,
  DataAmf3: 15,
  SharedObjectAmf3: 16,
  CommandAmf3: 17,
  DataAmf0: 18,
  SharedObjectAmf0: 19,
  CommandAmf0: 20,
  Aggregate: 22,
} as const;

/** §7.1.7 User Control event types. */
export const UserControlEvent = {
  StreamBegin: 0,
  StreamEof: 1,
  StreamDry: 2,
  SetBufferLength: 3,
  StreamIsRecorded: 4,
  PingRequest: 6,
  PingResponse: 7,
} as const;

/** §5.4.5 Set Peer Bandwidth limit types. */
export const PeerBandwidthLimit = { Hard: 0, Soft: 1, Dynamic: 2 } as const;

/** Chunk stream ids we send on: §5.4 control messages must use csid 2 and message stream 0. */
export const Csid = { Control: 2, Command: 3, StreamCommand: 5 } as const;

export type RtmpMessage = {
  /** Chunk stream the message arrived on (or is sent on). */
  csid: number;
  typeId: number;
  /** Message stream id (the NetStream; 0 = the NetConnection). */
  streamId: number;
  /** 32-bit milliseconds. */
  timestamp: number;
  payload: Buffer;
};

function u32(value: number): Buffer {
  const b = Buffer.allocUnsafe(4);
  b.writeUInt32BE(value >>> 0, 0);
  return b;
}

function control(typeId: number, payload: Buffer): RtmpMessage {
  return { csid: Csid.Control, typeId, streamId: 0, timestamp: 0, payload };
}

export function setChunkSizeMessage(size: number): RtmpMessage {
  return control(MessageType.SetChunkSize, u32(size & 0x7fffffff));
}

export function abortMessage(csid: number): RtmpMessage {
  return control(MessageType.Abort, u32(csid));
}

export function acknowledgementMessage(sequenceNumber: number): RtmpMessage {
  return control(MessageType.Acknowledgement, u32(sequenceNumber));
}

export function windowAckSizeMessage(size: number): RtmpMessage {
  return control(MessageType.WindowAckSize, u32(size));
}

export function setPeerBandwidthMessage(size: number, limit: number): RtmpMessage {
  const b = Buffer.allocUnsafe(5);
  b.writeUInt32BE(size >>> 0, 0);
  b[4] = limit;
  return control(MessageType.SetPeerBandwidth, b);
}

export function userControlMessage(event: number, value: number, extra?: number): RtmpMessage {
  const b = Buffer.allocUnsafe(extra === undefined ? 6 : 10);
  b.writeUInt16BE(event, 0);
  b.writeUInt32BE(value >>> 0, 2);
  if (extra !== undefined) b.writeUInt32BE(extra >>> 0, 6); // SetBufferLength: buffer length in ms
  return control(MessageType.UserControl, b);
}

/** Reads the UI32 body of Set Chunk Size, Abort, Acknowledgement and Window Ack Size; null if short. */
export function readUint32Body(message: RtmpMessage): number | null {
  return message.payload.length >= 4 ? message.payload.readUInt32BE(0) : null;
}

export function parseUserControl(message: RtmpMessage): { event: number; value: number } | null {
  const p = message.payload;
  if (p.length < 6) return null;
  return { event: p.readUInt16BE(0), value: p.readUInt32BE(2) };
}
