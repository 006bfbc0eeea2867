import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { RtmpProtocolError } from './errors.ts';
import {
  createClientC0C1,
  findServerDigest,
  GENUINE_FMS_KEY,
  HANDSHAKE_SIZE,
  ServerHandshake,
  verifyResponse,
} from './handshake.ts';

function handshake(c0c1: Buffer, split = c0c1.length): { reply: Buffer; server: ServerHandshake } {
  const server = new ServerHandshake();
  const first = server.push(c0c1.subarray(0, split));
  const second = server.push(c0c1.subarray(split));
  const reply = first.reply ?? second.reply;
  expect(reply).toBeDefined();
  return { reply: reply!, server };
}

describe('handshake (§5.2)', () => {
  it('answers a simple C1 with S0, S1 (zero version) and S2 echoing C1', () => {
    const { c0c1 } = createClientC0C1({ complex: false });
    const { reply, server } = handshake(c0c1, 700);
    expect(reply.length).toBe(1 + 2 * HANDSHAKE_SIZE);
    expect(reply[0]).toBe(3);
    expect(reply.readUInt32BE(5)).toBe(0);
    expect(reply.subarray(1 + HANDSHAKE_SIZE).equals(c0c1.subarray(1))).toBe(true);
    expect(server.complex).toBe(false);
    expect(server.done).toBe(false);
    const c2 = Buffer.from(reply.subarray(1, 1 + HANDSHAKE_SIZE));
    const after = server.push(Buffer.concat([c2, Buffer.of(0x02, 0x03)]));
    expect(server.done).toBe(true);
    expect(after.rest?.toString('hex')).toBe('0203');
  });

  it.each([8, 772])('answers a digest C1 (layout base %i) with a signed S1 and S2', (base) => {
    const { c0c1, digest } = createClientC0C1({ complex: true, base });
    const { reply, server } = handshake(c0c1);
    expect(server.complex).toBe(true);
    const s1 = reply.subarray(1, 1 + HANDSHAKE_SIZE);
    const s2 = reply.subarray(1 + HANDSHAKE_SIZE);
    expect(s1.readUInt32BE(4)).not.toBe(0);
    expect(findServerDigest(s1)?.base).toBe(base); // the server mirrors the client's layout
    expect(verifyResponse(s2, digest!, GENUINE_FMS_KEY)).toBe(true);
  });

  it('falls back to the simple echo when C1 claims a version but has no valid digest', () => {
    const { c0c1 } = createClientC0C1({ complex: true });
    c0c1[200] = c0c1[200]! ^ 0xff; // break the signed bytes
    c0c1[1000] = c0c1[1000]! ^ 0xff;
    const { reply, server } = handshake(c0c1);
    expect(server.complex).toBe(false);
    expect(reply.subarray(1 + HANDSHAKE_SIZE).equals(c0c1.subarray(1))).toBe(true);
  });

  it('works byte by byte', () => {
    const { c0c1 } = createClientC0C1({ complex: true });
    const server = new ServerHandshake();
    const replies: Buffer[] = [];
    for (const byte of Buffer.concat([c0c1, randomBytes(HANDSHAKE_SIZE)])) {
      const out = server.push(Buffer.of(byte));
      if (out.reply) replies.push(out.reply);
    }
    expect(replies).toHaveLength(1);
    expect(server.done).toBe(true);
  });

  it('refuses RTMPE, ancient versions and non-RTMP bytes at the first byte', () => {
    for (const version of [0, 2, 6, 8, 0x47 /* "G" of GET */, 0xff]) {
      expect(() => new ServerHandshake().push(Buffer.of(version))).toThrow(RtmpProtocolError);
    }
    expect(() => new ServerHandshake().push(Buffer.of(3))).not.toThrow();
  });
});
