// AMF command and data messages (Adobe RTMP spec 1.0 §7.1.1, §7.1.2, §7.2).
import { Amf0Reader, encodeAmf0 } from '../flv/amf0.ts';
import type { Amf0Object, Amf0Value } from '../flv/amf-value.ts';
import { AmfError } from '../flv/errors.ts';
import { RtmpProtocolError } from './errors.ts';
import { Csid, MessageType, type RtmpMessage } from './messages.ts';

export type Command = {
  name: string;
  transactionId: number;
  /** Usually an object (connect) or null. */
  commandObject: Amf0Value;
  args: Amf0Value[];
};

/**
 * AMF3 command/data messages (17, 15) carry a format selector byte, 0 = the rest is AMF0 (with
 * avmplus markers where AMF3 values appear). nginx-rtmp and librtmp skip it the same way.
 */
function amfBody(message: RtmpMessage): Buffer {
  const amf3 = message.typeId === MessageType.CommandAmf3 || message.typeId === MessageType.DataAmf3;
  return amf3 && message.payload[0] === 0 ? message.payload.subarray(1) : message.payload;
}

export function decodeCommand(message: RtmpMessage): Command {
  try {
    const reader = new Amf0Reader(amfBody(message));
    const name = reader.readValue();
    const transactionId = reader.remaining > 0 ? reader.readValue() : 0;
    const commandObject = reader.remaining > 0 ? reader.readValue() : null;
    const args = reader.readAll();
    if (typeof name !== 'string') throw new AmfError('command name is not a string');
    return { name, transactionId: typeof transactionId === 'number' ? transactionId : 0, commandObject, args };
  } catch (err) {
    if (err instanceof AmfError) throw new RtmpProtocolError('amf', `bad command: ${err.message}`);
    throw err;
  }
}

export type DataMessage = {
  /** The handler name: "onMetaData", "onTextData", "@setDataFrame", ... */
  name: string;
  values: Amf0Value[];
  /** The body as an FLV script tag would carry it: an @setDataFrame wrapper is removed. */
  scriptBody: Buffer;
  setDataFrame: boolean;
  clearDataFrame: boolean;
};

/** Decodes a data message; AmfError propagates (the caller drops the message, it is not fatal). */
export function decodeData(message: RtmpMessage): DataMessage {
  const body = amfBody(message);
  const reader = new Amf0Reader(body);
  const first = reader.readValue();
  if (typeof first !== 'string') throw new AmfError('data message does not start with a name');
  if (first === '@setDataFrame' || first === '@clearDataFrame') {
    // "@setDataFrame" asks the server to keep the data frame that follows for later viewers;
    // what is kept (and written to FLV) is that frame itself, e.g. "onMetaData" + object.
    const scriptBody = body.subarray(reader.offset);
    const values = reader.readAll();
    const name = typeof values[0] === 'string' ? values[0] : '';
    return {
      name,
      values: values.slice(1),
      scriptBody,
      setDataFrame: first === '@setDataFrame',
      clearDataFrame: first === '@clearDataFrame',
    };
  }
  return { name: first, values: reader.readAll(), scriptBody: body, setDataFrame: false, clearDataFrame: false };
}

export function commandMessage(
  name: string,
  transactionId: number,
  commandObject: Amf0Value,
  args: Amf0Value[] = [],
  target: { csid?: number; streamId?: number } = {},
): RtmpMessage {
  return {
    csid: target.csid ?? Csid.Command,
    typeId: MessageType.CommandAmf0,
    streamId: target.streamId ?? 0,
    timestamp: 0,
    payload: encodeAmf0(name, transactionId, commandObject, ...args),
  };
}

/** The info object of onStatus / _result (§7.2.1.1, §7.2.2). */
export function statusInfo(
  level: 'status' | 'error' | 'warning',
  code: string,
  description: string,
  extra: Amf0Object = {},
): Amf0Object {
  return { level, code, description, ...extra };
}

/** onStatus on a NetStream (§7.2.2): transaction 0, null command object, info object. */
export function onStatusMessage(streamId: number, info: Amf0Object): RtmpMessage {
  return commandMessage('onStatus', 0, null, [info], { csid: Csid.StreamCommand, streamId });
}

/** connect's app: "live/", "live?vhost=x" -> "live" (query and trailing slashes are not the app). */
export function normalizeApp(app: string): string {
  const q = app.indexOf('?');
  return (q >= 0 ? app.slice(0, q) : app).replace(/\/+$/, '');
}

/** publish's name: "key?token=x" -> stream key "key", query "token=x". */
export function parsePublishName(name: string): { streamKey: string; query: string } {
  const q = name.indexOf('?');
  return q >= 0 ? { streamKey: name.slice(0, q), query: name.slice(q + 1) } : { streamKey: name, query: '' };
}
