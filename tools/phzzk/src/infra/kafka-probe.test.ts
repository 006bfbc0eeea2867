import { afterEach, describe, expect, it } from 'vitest';
import {
  classifyApiVersionsReply,
  decodeApiVersionsResponse,
  encodeApiVersionsRequest,
  probeKafka,
} from './kafka-probe.ts';
import { fakeServer, freePort } from './test-servers.ts';

/** An ApiVersions v0 response as a broker writes it. */
function response(correlationId: number, errorCode: number, versions: [number, number, number][]): Buffer {
  const body = Buffer.alloc(4 + 2 + 4 + versions.length * 6);
  let at = body.writeInt32BE(correlationId, 0);
  at = body.writeInt16BE(errorCode, at);
  at = body.writeInt32BE(versions.length, at);
  for (const [key, min, max] of versions) {
    at = body.writeInt16BE(key, at);
    at = body.writeInt16BE(min, at);
    at = body.writeInt16BE(max, at);
  }
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  return Buffer.concat([size, body]);
}

describe('ApiVersions v0 encoding', () => {
  it('writes size, api key 18, version 0, correlation id and client id', () => {
    const req = encodeApiVersionsRequest(0x01020304, 'ab');
    expect([...req]).toEqual([0, 0, 0, 12, 0, 18, 0, 0, 1, 2, 3, 4, 0, 2, 0x61, 0x62]);
  });

  it('decodes a response and waits for missing bytes', () => {
    const bytes = response(7, 0, [
      [0, 0, 11],
      [18, 0, 4],
    ]);
    expect(decodeApiVersionsResponse(bytes)).toEqual({
      correlationId: 7,
      errorCode: 0,
      apiVersions: [
        { apiKey: 0, minVersion: 0, maxVersion: 11 },
        { apiKey: 18, minVersion: 0, maxVersion: 4 },
      ],
    });
    expect(decodeApiVersionsResponse(bytes.subarray(0, 3))).toBeUndefined();
    expect(decodeApiVersionsResponse(bytes.subarray(0, bytes.length - 1))).toBeUndefined();
  });

  it('rejects bytes that cannot be a Kafka response', () => {
    expect(() => decodeApiVersionsResponse(Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n'))).toThrow(/not a Kafka/);
    const lying = response(1, 0, [[18, 0, 4]]);
    lying.writeInt32BE(1000, 10); // array longer than the message
    expect(() => decodeApiVersionsResponse(lying)).toThrow(/not a Kafka/);
  });

  it('classifies replies', () => {
    expect(classifyApiVersionsReply(response(5, 0, [[18, 0, 4]]), 5)).toBe('ready');
    expect(classifyApiVersionsReply(response(5, 35, [[18, 3, 4]]), 5)).toBe('ready');
    expect(classifyApiVersionsReply(response(6, 0, [[18, 0, 4]]), 5)).toBe('foreign');
    expect(classifyApiVersionsReply(response(5, 0, []), 5)).toBe('foreign');
    expect(classifyApiVersionsReply(Buffer.from([0, 0]), 5)).toBe('incomplete');
    expect(classifyApiVersionsReply(Buffer.from('SSH-2.0-OpenSSH_9.2\r\n'), 5)).toBe('foreign');
  });
});

describe('probeKafka', () => {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await Promise.all(closers.splice(0).map((c) => c()));
  });

  it('is ready when a broker answers (even in two TCP segments)', async () => {
    const server = await fakeServer((data, socket) => {
      const correlationId = data.readInt32BE(8);
      const reply = response(correlationId, 0, [
        [3, 0, 12],
        [18, 0, 4],
      ]);
      socket.write(reply.subarray(0, 5));
      setTimeout(() => socket.write(reply.subarray(5)), 20);
    });
    closers.push(server.close);
    expect(await probeKafka({ host: '127.0.0.1', port: server.port })).toBe('ready');
  });

  it('tells a foreign server, a silent one and a closed port apart', async () => {
    const http = await fakeServer((_d, socket) => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    const silent = await fakeServer(() => {});
    closers.push(http.close, silent.close);
    expect(await probeKafka({ host: '127.0.0.1', port: http.port })).toBe('foreign');
    expect(await probeKafka({ host: '127.0.0.1', port: silent.port }, 300)).toBe('silent');
    expect(await probeKafka({ host: '127.0.0.1', port: await freePort() })).toBe('closed');
  });
});
