import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readResponseHead } from './http1-response-head.ts';

const read = (text: string, head = false) => readResponseHead(Buffer.from(text, 'latin1'), head);

describe('readResponseHead', () => {
  it('frames a body by its length and keeps the connection', () => {
    expect(read('HTTP/1.1 200 OK\r\nContent-Type: a/b\r\ncontent-length: 5\r\n\r\nhello')).toEqual({
      kind: 'head',
      status: 200,
      reason: 'OK',
      headers: ['content-type', 'a/b', 'content-length', '5'],
      framing: 'length',
      contentLength: 5,
      close: false,
      length: 'HTTP/1.1 200 OK\r\nContent-Type: a/b\r\ncontent-length: 5\r\n\r\n'.length,
    });
  });

  it('decides the framing as RFC 9112 §6.3 says', () => {
    expect(read('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\ncontent-length: 3\r\n\r\n')).toMatchObject({
      framing: 'chunked',
      close: false,
    });
    expect(read('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked, gzip\r\n\r\n')).toMatchObject({
      framing: 'close',
      close: true,
    });
    expect(read('HTTP/1.1 200 OK\r\n\r\n')).toMatchObject({ framing: 'close', close: true });
    expect(read('HTTP/1.1 204 No Content\r\ncontent-length: 10\r\n\r\n')).toMatchObject({
      framing: 'none',
      close: false,
    });
    expect(read('HTTP/1.1 304 Not Modified\r\n\r\n')).toMatchObject({ framing: 'none' });
    expect(read('HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\n', true)).toMatchObject({
      framing: 'none',
      headers: ['content-length', '10'],
    });
    expect(read('HTTP/1.1 103 Early Hints\r\nlink: </a>\r\n\r\n')).toMatchObject({ status: 103, framing: 'none' });
    expect(read('HTTP/1.1 200 OK\r\ncontent-length: 2, 2\r\ncontent-length: 2\r\n\r\n')).toMatchObject({
      framing: 'length',
      contentLength: 2,
    });
  });

  it('knows when the connection cannot be reused', () => {
    expect(read('HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-length: 0\r\n\r\n')).toMatchObject({ close: true });
    expect(read('HTTP/1.0 200 OK\r\ncontent-length: 0\r\n\r\n')).toMatchObject({ close: true });
    expect(read('HTTP/1.0 200 OK\r\nconnection: keep-alive\r\ncontent-length: 0\r\n\r\n')).toMatchObject({
      close: false,
    });
    expect(read('HTTP/1.1 200\r\ncontent-length: 0\r\n\r\n')).toMatchObject({ reason: '', close: false });
  });

  it('reads how long the service keeps the connection open, and ignores a malformed announcement', () => {
    expect(read('HTTP/1.1 200 OK\r\nKeep-Alive: timeout=72\r\ncontent-length: 0\r\n\r\n')).toMatchObject({
      keepAliveTimeoutS: 72,
      close: false,
    });
    expect(read('HTTP/1.1 200 OK\r\nkeep-alive: max=3\r\ncontent-length: 0\r\n\r\n')).toMatchObject({
      keepAliveTimeoutS: undefined,
    });
    expect(read('HTTP/1.1 200 OK\r\nkeep-alive: timeout=soon\r\ncontent-length: 0\r\n\r\n')).toMatchObject({
      kind: 'head',
      keepAliveTimeoutS: undefined,
    });
  });

  it('refuses malformed heads instead of guessing', () => {
    for (const text of [
      'HTTP/1.1 200 OK\r\ncontent-length: 1\r\ncontent-length: 2\r\n\r\n',
      'HTTP/1.1 200 OK\r\ncontent-length: -1\r\n\r\n',
      'HTTP/1.1 200 OK\r\ncontent-length: 1e3\r\n\r\n',
      'HTTP/1.1 200 OK\r\nx: a\r\n folded\r\n\r\n',
      'HTTP/1.1 200 OK\r\nx: a\nb: c\r\n\r\n',
      'HTTP/2 200 OK\r\n\r\n',
      'HTTP/1.1 20 OK\r\n\r\n',
      'HTTP/1.1 600 Nope\r\n\r\n',
      'ICY 200 OK\r\n\r\n',
      'HTTP/1.1 200 O\x00K\r\n\r\n',
    ]) {
      expect(read(text).kind, JSON.stringify(text)).toBe('invalid');
    }
    expect(read(`HTTP/1.1 200 OK\r\nx: ${'a'.repeat(70_000)}`)).toMatchObject({ kind: 'invalid' });
    expect(read('HTTP/1.1 200 OK\r\n')).toEqual({ kind: 'incomplete' });
  });

  it('never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.boolean(), (bytes, headRequest) => {
        const buffer = Buffer.concat([Buffer.from('HTTP/1.1 200 OK\r\n'), Buffer.from(bytes), Buffer.from('\r\n\r\n')]);
        const head = readResponseHead(buffer, headRequest);
        if (head.kind === 'head' && head.framing === 'length')
          expect(Number.isSafeInteger(head.contentLength)).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });
});
