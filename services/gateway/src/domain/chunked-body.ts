/**
 * Finds where a chunked body (RFC 9112 §7.1) ends, so that the relay can pass its bytes through
 * unchanged and still know when the message is over. Fed the bytes as they arrive; it never
 * copies them. Extensions are skipped; trailer fields are passed through and only their size is
 * bounded.
 */
const State = {
  Size: 0,
  Extension: 1,
  SizeLf: 2,
  Data: 3,
  DataCr: 4,
  DataLf: 5,
  TrailerLineStart: 6,
  TrailerLine: 7,
  TrailerLf: 8,
  FinalLf: 9,
  Done: 10,
} as const;
type State = (typeof State)[keyof typeof State];

const MAX_SIZE_DIGITS = 12; // a single chunk under 256 TiB
const MAX_LINE = 4096; // extensions and trailer lines
const MAX_TRAILERS = 16 * 1024;

export class ChunkedBodyError extends Error {
  constructor(message: string) {
    super(`malformed chunked body: ${message}`);
    this.name = 'ChunkedBodyError';
  }
}

function hexValue(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  if (byte >= 0x61 && byte <= 0x66) return byte - 0x57;
  if (byte >= 0x41 && byte <= 0x46) return byte - 0x37;
  return -1;
}

export class ChunkedBodyScanner {
  private state: State = State.Size;
  private size = 0;
  private digits = 0;
  private lineLength = 0;
  private trailerBytes = 0;

  get done(): boolean {
    return this.state === State.Done;
  }

  /**
   * Reads `chunk` from `start` and returns how many of its bytes (from `start`) belong to the
   * body; fewer than offered means the body ended inside this chunk. Throws ChunkedBodyError.
   */
  scan(chunk: Buffer, start = 0): number {
    let i = start;
    while (i < chunk.length && this.state !== State.Done) {
      const byte = chunk[i]!;
      switch (this.state) {
        case State.Size: {
          const v = hexValue(byte);
          if (v >= 0) {
            if (++this.digits > MAX_SIZE_DIGITS) throw new ChunkedBodyError('chunk size too large');
            this.size = this.size * 16 + v;
          } else if (this.digits === 0) {
            throw new ChunkedBodyError('chunk size expected');
          } else if (byte === 0x3b /* ; */ || byte === 0x20 || byte === 0x09) {
            this.state = State.Extension;
            this.lineLength = 0;
          } else if (byte === 0x0d) {
            this.state = State.SizeLf;
          } else {
            throw new ChunkedBodyError('bad character in chunk size');
          }
          i++;
          break;
        }
        case State.Extension:
          if (byte === 0x0d) this.state = State.SizeLf;
          else if (byte === 0x0a || ++this.lineLength > MAX_LINE) throw new ChunkedBodyError('bad chunk extension');
          i++;
          break;
        case State.SizeLf:
          if (byte !== 0x0a) throw new ChunkedBodyError('CRLF expected after chunk size');
          this.state = this.size === 0 ? State.TrailerLineStart : State.Data;
          i++;
          break;
        case State.Data: {
          const take = Math.min(this.size, chunk.length - i);
          this.size -= take;
          i += take;
          if (this.size === 0) this.state = State.DataCr;
          break;
        }
        case State.DataCr:
          if (byte !== 0x0d) throw new ChunkedBodyError('CRLF expected after chunk data');
          this.state = State.DataLf;
          i++;
          break;
        case State.DataLf:
          if (byte !== 0x0a) throw new ChunkedBodyError('CRLF expected after chunk data');
          this.state = State.Size;
          this.digits = 0;
          i++;
          break;
        case State.TrailerLineStart:
          // An empty line ends the message; anything else is a trailer field line.
          if (byte === 0x0d) this.state = State.FinalLf;
          else {
            this.state = State.TrailerLine;
            this.lineLength = 1;
          }
          this.countTrailer();
          i++;
          break;
        case State.TrailerLine:
          if (byte === 0x0d) this.state = State.TrailerLf;
          else if (byte === 0x0a || ++this.lineLength > MAX_LINE) throw new ChunkedBodyError('bad trailer line');
          this.countTrailer();
          i++;
          break;
        case State.TrailerLf:
          if (byte !== 0x0a) throw new ChunkedBodyError('CRLF expected after trailer');
          this.state = State.TrailerLineStart;
          this.countTrailer();
          i++;
          break;
        case State.FinalLf:
          if (byte !== 0x0a) throw new ChunkedBodyError('CRLF expected at the end');
          this.state = State.Done;
          i++;
          break;
      }
    }
    return i - start;
  }

  private countTrailer(): void {
    if (++this.trailerBytes > MAX_TRAILERS) throw new ChunkedBodyError('trailers too large');
  }
}
