// RTMP ingest for PHZZK: a publish-only RTMP server (Adobe RTMP spec 1.0, Enhanced RTMP v1/v2)
// with pure, separately testable protocol pieces. Node built-ins only; logger injected.
export type { FlvTag as MediaTag } from '../flv/tag.ts';
export type { AudioCodecInfo, VideoCodecInfo } from '../flv/codec/types.ts';
export { splitAggregate } from './aggregate.ts';
export { type ChunkReaderLimits, ChunkReader, DEFAULT_CHUNK_SIZE } from './chunk-reader.ts';
export { ChunkWriter } from './chunk-writer.ts';
export {
  type Command,
  commandMessage,
  type DataMessage,
  decodeCommand,
  decodeData,
  onStatusMessage,
  statusInfo,
} from './commands.ts';
export { RtmpProtocolError } from './errors.ts';
export {
  createClientC0C1,
  createServerResponse,
  findServerDigest,
  GENUINE_FMS_KEY,
  GENUINE_FP_KEY,
  HANDSHAKE_SIZE,
  RTMP_VERSION,
  ServerHandshake,
  signResponse,
  verifyResponse,
} from './handshake.ts';
export { DEFAULT_LIMITS, type RtmpLimits, resolveLimits } from './limits.ts';
export {
  Csid,
  MessageType,
  PeerBandwidthLimit,
  parseUserControl,
  type RtmpMessage,
  setChunkSizeMessage,
  UserControlEvent,
  userControlMessage,
  windowAckSizeMessage,
  acknowledgementMessage,
  setPeerBandwidthMessage,
  abortMessage,
} from './messages.ts';
export { createRtmpServer, type RtmpServer, type RtmpServerEvents, type RtmpServerOptions } from './server.ts';
export type { PublishSession, SessionCodecs, SessionEvents, SessionStats } from './session.ts';
export { TagQueueOverflowError, type TagIteratorOptions } from './tag-iterator.ts';
export { TimestampUnwrapper } from './timestamp.ts';
export type {
  Authorize,
  AuthorizeResult,
  EndReason,
  PublishRejection,
  PublishRequest,
  RtmpLogger,
} from './types.ts';
export { silentLogger } from './types.ts';
export { redactStreamKey, redactTcUrl } from './redact.ts';
