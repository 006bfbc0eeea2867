/** A peer broke the protocol or a limit; the connection is closed, other connections are unaffected. */
export class RtmpProtocolError extends Error {
  override readonly name = 'RtmpProtocolError';
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}
