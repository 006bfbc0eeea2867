import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChunkedBodyError, ChunkedBodyScanner } from './chunked-body.ts';

/** Feeds the bytes in the given pieces; returns how many belonged to the body, or the error. */
function scan(pieces: Buffer[]): { body: number; done: boolean } | Error {
  const scanner = new ChunkedBodyScanner();
  let body = 0;
  try {
    for (const piece of pieces) {
      if (scanner.done) break;
      body += scanner.scan(piece);
    }
  } catch (error) {
    return error as Error;
  }
  return { body, done: scanner.done };
}

function encode(chunks: Buffer[], trailers = ''): Buffer {
  const parts: Buffer[] = [];
  for (const c of chunks) parts.push(Buffer.from(`${c.length.toString(16)}\r\n`), c, Buffer.from('\r\n'));
  parts.push(Buffer.from(`0\r\n${trailers}\r\n`));
  return Buffer.concat(parts);
}

function split(buffer: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (buffer.length + 1)))].sort((a, b) => a - b);
  const pieces: Buffer[] = [];
  let last = 0;
  for (const p of points) {
    pieces.push(buffer.subarray(last, p));
    last = p;
  }
  pieces.push(buffer.subarray(last));
  return pieces;
}

describe('ChunkedBodyScanner', () => {
  it('finds the end of a body, extensions and trailers included, and not a byte further', () => {
    const body = Buffer.from('5;name=value\r\nhello\r\nA\r\n0123456789\r\n0\r\nx-trailer: 1\r\n\r\n');
    expect(scan([Buffer.concat([body, Buffer.from('HTTP/1.1 200 OK')])])).toEqual({ body: body.length, done: true });
    expect(scan([body.subarray(0, 3)])).toEqual({ body: 3, done: false });
  });

  it('finds the same end however the bytes are split', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 300 }), { maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.boolean(),
        (chunks, cuts, withTrailer) => {
          const encoded = encode(
            chunks.map((c) => Buffer.from(c)),
            withTrailer ? 'a: b\r\n' : '',
          );
          const extra = Buffer.from('NEXT');
          expect(scan(split(Buffer.concat([encoded, extra]), cuts))).toEqual({ body: encoded.length, done: true });
        },
      ),
      { numRuns: 500 },
    );
  });

  it('refuses malformed bodies', () => {
    for (const text of [
      'x\r\n',
      '5\r\nhelloXX',
      '5\nhello\r\n',
      '\r\n',
      `${'f'.repeat(13)}\r\n`,
      '0\r\nbad\nline\r\n\r\n',
    ]) {
      expect(scan([Buffer.from(text)]), JSON.stringify(text)).toBeInstanceOf(ChunkedBodyError);
    }
  });

  it('never throws anything but its own error on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const result = scan([Buffer.from(bytes)]);
        if (result instanceof Error) expect(result).toBeInstanceOf(ChunkedBodyError);
        else expect(result.body).toBeLessThanOrEqual(bytes.length);
      }),
      { numRuns: 3000 },
    );
  });
});
