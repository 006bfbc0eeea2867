import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_REQUEST_HEAD, readRequestHead } from './http1-request-head.ts';

const read = (text: string) => readRequestHead(Buffer.from(text, 'latin1'));

describe('readRequestHead', () => {
  it('reads a plain GET with its fields in order, and where the next request starts', () => {
    const text =
      'GET /api/x?y=1 HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer t\r\nAccept: a\r\naccept: b\r\n\r\nGET /next';
    const head = read(text);
    expect(head).toEqual({
      kind: 'request',
      method: 'GET',
      target: '/api/x?y=1',
      rawHeaders: ['Host', 'gw', 'Authorization', 'Bearer t', 'Accept', 'a', 'accept', 'b'],
      headers: { host: 'gw', authorization: 'Bearer t', accept: 'a, b' },
      length: text.indexOf('GET /next'),
      close: false,
    });
  });

  it('notes Connection: close and trims optional whitespace', () => {
    expect(read('HEAD / HTTP/1.1\r\nhost:  gw \t\r\nConnection: Keep-Alive, close\r\n\r\n')).toMatchObject({
      kind: 'request',
      method: 'HEAD',
      headers: { host: 'gw', connection: 'Keep-Alive, close' },
      close: true,
    });
  });

  it('waits for the rest of a head', () => {
    expect(read('GET / HTTP/1.1\r\nhost: gw\r\n')).toEqual({ kind: 'incomplete' });
    expect(read('')).toEqual({ kind: 'incomplete' });
  });

  it('hands a head with a bare LF to the full server at once (it would never end in CRLFCRLF)', () => {
    expect(read('GET / HTTP/1.1\nhost: gw\n\n')).toEqual({ kind: 'unsupported' });
    expect(read('GET / HTTP/1.1\r\nhost: gw\n')).toEqual({ kind: 'unsupported' });
  });

  it('leaves everything outside the plain subset to the full server', () => {
    const unsupported = [
      'POST / HTTP/1.1\r\nhost: gw\r\ncontent-length: 1\r\n\r\nx',
      'GET / HTTP/1.1\r\nhost: gw\r\ncontent-length: 0\r\n\r\n',
      'GET / HTTP/1.1\r\nhost: gw\r\ntransfer-encoding: chunked\r\n\r\n',
      'GET /ws HTTP/1.1\r\nhost: gw\r\nconnection: upgrade\r\nupgrade: websocket\r\n\r\n',
      'GET / HTTP/1.1\r\nhost: gw\r\nexpect: 100-continue\r\n\r\n',
      'GET / HTTP/1.0\r\nhost: gw\r\n\r\n',
      'GET http://gw/ HTTP/1.1\r\nhost: gw\r\n\r\n',
      'GET * HTTP/1.1\r\nhost: gw\r\n\r\n',
      'get / HTTP/1.1\r\nhost: gw\r\n\r\n',
      'GET  / HTTP/1.1\r\nhost: gw\r\n\r\n',
      'GET / HTTP/1.1\r\n\r\n', // no Host
      'GET / HTTP/1.1\r\nhost: a\r\nhost: b\r\n\r\n',
      'GET / HTTP/1.1\r\nhost: gw\r\nauthorization: a\r\nAuthorization: b\r\n\r\n',
      'GET / HTTP/1.1\r\nhost: gw\r\nx: a\r\n folded\r\n\r\n', // obs-fold
      'GET / HTTP/1.1\r\nhost: gw\r\nx : a\r\n\r\n', // space before colon
      'GET / HTTP/1.1\r\nhost: gw\r\nx: a\nb: c\r\n\r\n', // bare LF
      'GET / HTTP/1.1\r\nhost: gw\r\nx: a\rb\r\n\r\n', // bare CR
      'GET / HTTP/1.1\r\nhost: gw\r\nx: a\x00b\r\n\r\n', // NUL
      'GET / HTTP/1.1\r\nhost: gw\r\nx: a\x7fb\r\n\r\n', // DEL
      'GET /a b HTTP/1.1\r\nhost: gw\r\n\r\n',
      '\r\nGET / HTTP/1.1\r\nhost: gw\r\n\r\n',
      `GET /${'a'.repeat(MAX_REQUEST_HEAD)} HTTP/1.1\r\nhost: gw\r\n\r\n`,
    ];
    for (const text of unsupported) expect(read(text), JSON.stringify(text)).toEqual({ kind: 'unsupported' });
    // A head that never ends within the limit is not waited for forever.
    expect(read(`GET / HTTP/1.1\r\nx: ${'a'.repeat(MAX_REQUEST_HEAD)}`)).toEqual({ kind: 'unsupported' });
  });

  it('never throws, and whatever it accepts is a well-formed GET or HEAD', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.boolean(), (bytes, prefix) => {
        const buffer = Buffer.concat([
          Buffer.from(prefix ? 'GET /x HTTP/1.1\r\nhost: gw\r\n' : ''),
          Buffer.from(bytes),
          Buffer.from('\r\n\r\n'),
        ]);
        const head = readRequestHead(buffer);
        if (head.kind !== 'request') return;
        expect(['GET', 'HEAD']).toContain(head.method);
        expect(head.target).toMatch(/^\/[\x21-\x7e]*$/);
        for (const part of head.rawHeaders) expect(part).not.toMatch(/[\r\n\0]/);
        expect(head.headers['content-length']).toBeUndefined();
        expect(head.headers['transfer-encoding']).toBeUndefined();
      }),
      { numRuns: 3000 },
    );
  });
});
