// Error codes a caller can branch on (e.g. restart ffmpeg on MALFORMED, alert on BOX_TOO_LARGE).
export const Fmp4ErrorCode = {
  /** A box declares a size above the configured maximum; we refuse to buffer it. */
  BoxTooLarge: 'BOX_TOO_LARGE',
  /** A box header is impossible (size smaller than its header, non-printable type). */
  InvalidBox: 'INVALID_BOX',
  /** A box's payload is shorter than its fields require or is internally inconsistent. */
  Malformed: 'MALFORMED',
  /** The parser was used after it failed; it does not resynchronise. */
  Failed: 'FAILED',
} as const;
export type Fmp4ErrorCode = (typeof Fmp4ErrorCode)[keyof typeof Fmp4ErrorCode];

export class Fmp4Error extends Error {
  readonly code: Fmp4ErrorCode;
  constructor(code: Fmp4ErrorCode, message: string) {
    super(message);
    this.name = 'Fmp4Error';
    this.code = code;
  }
}
