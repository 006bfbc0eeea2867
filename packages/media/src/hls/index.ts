// LL-HLS packaging (draft-pantos-hls-rfc8216bis). Typical wiring in the transcoder:
//
//   const stream = new LlHlsStream({ renditions: [{ name: '720p', bandwidth: 3_000_000 }, ...],
//     targetDuration: 1, partTarget: 0.2, logger });
//   for await (const event of readFmp4(ffmpeg.stdio[fd])) stream.push('720p', event); // one per output
//   stream.onSegment((s) => vodWriter.write(s.rendition, s.uri, s.bytes));
//   // HTTP: GET /hls/{channelId}/*path -> serveHls(stream, { path, query, signal })
//   // on ffmpeg restart: stream.discontinuity(); at stream end: stream.end()
export {
  awaitPlaylistDirectives,
  type BlockingOutcome,
  type BlockingSource,
  blockingTimeoutMs,
  type DirectivesResult,
  type PlaylistDirectives,
  parsePlaylistDirectives,
  type QueryInput,
  type SkipDirective,
} from './blocking-request.ts';
export { type CacheableResource, cacheControl } from './cache-control.ts';
export { formatDecimal } from './format.ts';
export { LlHlsStream, type LlHlsStreamOptions, type RenditionEvent, type RenditionSpec } from './ll-hls-stream.ts';
export {
  type AudioRendition,
  type MasterPlaylistModel,
  renderMasterPlaylist,
  type VariantStream,
} from './master-playlist.ts';
export {
  LL_HLS_VERSION,
  type MediaPlaylistModel,
  type PlaylistPart,
  type PlaylistSegment,
  type RenditionReport,
  renderMediaPlaylist,
  type ServerControl,
} from './media-playlist.ts';
export {
  CONTENT_TYPES,
  type HlsResource,
  hlsNames,
  MASTER_PLAYLIST,
  MEDIA_PLAYLIST,
  parseHlsPath,
  RENDITION_NAME,
} from './naming.ts';
export { LlHlsPackager } from './packager.ts';
export {
  type InitInfo,
  type PackagerOptions,
  type PartInfo,
  type PartWaitResult,
  type PlaylistOptions,
  type PlaylistPosition,
  type SegmentInfo,
  WaitResult,
} from './packager-types.ts';
export {
  type PlaylistEntry,
  type PlaylistInput,
  type PlaylistKind,
  playlistModel,
  renderPlaylist,
} from './playlist-model.ts';
export { type HlsRequest, type HlsResponse, type ServeOptions, serveHls } from './serve.ts';
export { type MediaLogger, type Timers, WaitQueue } from './waiting.ts';
