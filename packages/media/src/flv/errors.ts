/** Malformed FLV or AMF input. Thrown by the pure parsers; callers decide whether it is fatal. */
export class FlvFormatError extends Error {
  override readonly name = 'FlvFormatError';
}

/** Malformed or unsupported AMF0/AMF3 data. */
export class AmfError extends Error {
  override readonly name = 'AmfError';
}
