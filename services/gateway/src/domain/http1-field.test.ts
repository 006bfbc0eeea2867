import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fieldLinesLength, isFieldName, isFieldValue, messageBytes, writeFieldLines } from './http1-field.ts';

describe('field lines written into a buffer', () => {
  it('writes name: value lines in order, exactly as long as computed', () => {
    const fields = ['content-type', 'text/plain', 'x-empty', '', 'set-cookie', 'a=1; Path=/'];
    const bytes = Buffer.alloc(fieldLinesLength(fields) + 4, 0x2a);
    const end = writeFieldLines(bytes, 2, fields);
    expect(end).toBe(2 + fieldLinesLength(fields));
    expect(bytes.toString('latin1')).toBe('**content-type: text/plain\r\nx-empty: \r\nset-cookie: a=1; Path=/\r\n**');
  });

  it('makes a whole message: start, field lines, end, body, and nothing else', () => {
    const fields = ['x-a', '1', 'x-b', 'two'];
    const body = Buffer.from('hello');
    const bytes = messageBytes('GET / HTTP/1.1\r\nhost: h\r\n', fields, 'content-length: 5\r\n\r\n', body);
    expect(bytes.toString('latin1')).toBe(
      'GET / HTTP/1.1\r\nhost: h\r\nx-a: 1\r\nx-b: two\r\ncontent-length: 5\r\n\r\nhello',
    );
    expect(messageBytes('HTTP/1.1 204 No Content\r\n', [], '\r\n').toString('latin1')).toBe(
      'HTTP/1.1 204 No Content\r\n\r\n',
    );
  });

  it('keeps obs-text bytes as they are, for any valid field', () => {
    const name = fc.stringMatching(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,20}$/);
    const value = fc.string({
      unit: fc.integer({ min: 0x20, max: 0xff }).map((c) => String.fromCharCode(c === 0x7f ? 0x20 : c)),
      maxLength: 40,
    });
    fc.assert(
      fc.property(fc.array(fc.tuple(name, value), { maxLength: 8 }), (pairs) => {
        const fields = pairs.flat();
        for (let i = 0; i < fields.length; i += 2) {
          expect(isFieldName(fields[i]!)).toBe(true);
          expect(isFieldValue(fields[i + 1]!)).toBe(true);
        }
        const bytes = Buffer.alloc(fieldLinesLength(fields));
        expect(writeFieldLines(bytes, 0, fields)).toBe(bytes.length);
        expect(bytes.toString('latin1')).toBe(pairs.map(([n, v]) => `${n}: ${v}\r\n`).join(''));
      }),
    );
  });
});
