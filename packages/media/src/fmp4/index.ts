export * from './box-reader.ts';
export { ByteQueue } from '../bytes/byte-queue.ts';
export * from './codec-string.ts';
export * from './errors.ts';
export { isSyncSample, type MoofInfo, parseMoof, parsePrft, SampleFlag } from './fragment.ts';
export { parseFtyp, parseInitSegment } from './init-segment.ts';
export { DEFAULT_MAX_BOX_SIZE, Fmp4Parser, type Fmp4ParserOptions, readFmp4 } from './parser.ts';
export * from './types.ts';
