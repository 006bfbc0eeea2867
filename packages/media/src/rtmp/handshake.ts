// RTMP handshake (Adobe RTMP spec 1.0 §5.2): C0/S0 version byte, C1/S1 and C2/S2 of 1536 bytes.
//
// Besides the "simple" handshake of the spec, Flash-era clients (and ffmpeg, librtmp/OBS) send
// the digest-based "complex" handshake of Flash Player 9+: C1 carries an HMAC-SHA256 digest at a
// position derived from the packet itself, keyed with the public "Genuine Adobe Flash Player 001"
// key; a server proves itself with a digest in S1 (FMS key) and an S2 signed with a key derived
// from the client's digest. Some clients (Flash players playing H.264) refuse servers that do not
// answer in kind. When C1 has no valid digest we fall back to the simple echo.
import { createHmac, randomBytes } from 'node:crypto';
import { ByteQueue } from '../bytes/byte-queue.ts';
import { RtmpProtocolError } from './errors.ts';

export const RTMP_VERSION = 3;
export const HANDSHAKE_SIZE = 1536;
const DIGEST_SIZE = 32;

const KEY_TAIL = Buffer.from('f0eec24a8068bee82e00d0d1029e7e576eec5d2d29806fab93b8e636cfeb31ae', 'hex');
/** Client key: the 30-byte text signs C1; with the tail (62 bytes) it derives the C2 key. */
export const GENUINE_FP_KEY = Buffer.concat([Buffer.from('Genuine Adobe Flash Player 001', 'latin1'), KEY_TAIL]);
/** Server key: the 36-byte text signs S1; with the tail (68 bytes) it derives the S2 key. */
export const GENUINE_FMS_KEY = Buffer.concat([Buffer.from('Genuine Adobe Flash Media Server 001', 'latin1'), KEY_TAIL]);
const FP_KEY_TEXT = GENUINE_FP_KEY.subarray(0, 30);
const FMS_KEY_TEXT = GENUINE_FMS_KEY.subarray(0, 36);

/** S1 version field in the complex handshake (any non-zero value says "digest inside"). */
const SERVER_VERSION = Buffer.of(0x0d, 0x0e, 0x0a, 0x0d);

/** The two C1/S1 layouts: the digest block either follows the key block (base 772) or leads (base 8). */
export const DIGEST_BASES = [772, 8] as const;

function hmac(key: Uint8Array, ...parts: Uint8Array[]): Buffer {
  const h = createHmac('sha256', key);
  for (const part of parts) h.update(part);
  return h.digest();
}

/** Where the digest sits in a digest block at `base`: four offset bytes, then 728 candidate positions. */
export function digestPosition(packet: Uint8Array, base: number): number {
  const sum = packet[base]! + packet[base + 1]! + packet[base + 2]! + packet[base + 3]!;
  return base + 4 + (sum % 728);
}

/** HMAC over the 1536-byte packet minus the 32 digest bytes at `position`. */
export function computeDigest(packet: Uint8Array, position: number, key: Uint8Array): Buffer {
  return hmac(key, packet.subarray(0, position), packet.subarray(position + DIGEST_SIZE, HANDSHAKE_SIZE));
}

/** Finds a valid digest in a C1 or S1; returns its base and the digest, or null. */
export function findDigest(packet: Uint8Array, key: Uint8Array): { base: number; digest: Buffer } | null {
  for (const base of DIGEST_BASES) {
    const position = digestPosition(packet, base);
    const digest = Buffer.from(packet.subarray(position, position + DIGEST_SIZE));
    if (computeDigest(packet, position, key).equals(digest)) return { base, digest };
  }
  return null;
}

/** Writes a digest into `packet` (in place) using the layout at `base`. */
export function signPacket(packet: Buffer, base: number, key: Uint8Array): Buffer {
  const position = digestPosition(packet, base);
  const digest = computeDigest(packet, position, key);
  digest.copy(packet, position);
  return digest;
}

/** Signs the first 1504 bytes of a C2/S2 with a key derived from the peer's C1/S1 digest. */
export function signResponse(packet: Buffer, peerDigest: Uint8Array, fullKey: Uint8Array): void {
  const key = hmac(fullKey, peerDigest);
  hmac(key, packet.subarray(0, HANDSHAKE_SIZE - DIGEST_SIZE)).copy(packet, HANDSHAKE_SIZE - DIGEST_SIZE);
}

export function verifyResponse(packet: Uint8Array, ownDigest: Uint8Array, fullKey: Uint8Array): boolean {
  const key = hmac(fullKey, ownDigest);
  const expected = hmac(key, packet.subarray(0, HANDSHAKE_SIZE - DIGEST_SIZE));
  return expected.equals(packet.subarray(HANDSHAKE_SIZE - DIGEST_SIZE, HANDSHAKE_SIZE));
}

export type HandshakeOptions = { random?: (size: number) => Buffer; now?: () => number };

/** S0+S1+S2 for a given C1. Complex when C1 announces a version and carries a valid digest. */
export function createServerResponse(
  c1: Buffer,
  options: HandshakeOptions = {},
): { response: Buffer; complex: boolean } {
  const random = options.random ?? randomBytes;
  const time = (options.now?.() ?? Date.now()) >>> 0;
  const s0 = Buffer.of(RTMP_VERSION);
  const s1 = random(HANDSHAKE_SIZE);
  s1.writeUInt32BE(time, 0);
  // C1 bytes 4-7 are zero in the simple handshake (§5.2.3) and a player version otherwise.
  const found = c1.readUInt32BE(4) !== 0 ? findDigest(c1, FP_KEY_TEXT) : null;
  if (!found) {
    s1.writeUInt32BE(0, 4);
    return { response: Buffer.concat([s0, s1, c1]), complex: false }; // S2 echoes C1
  }
  SERVER_VERSION.copy(s1, 4);
  signPacket(s1, found.base, FMS_KEY_TEXT); // same layout as the client used
  const s2 = random(HANDSHAKE_SIZE);
  signResponse(s2, found.digest, GENUINE_FMS_KEY);
  return { response: Buffer.concat([s0, s1, s2]), complex: true };
}

type HandshakeState = 'c0c1' | 'c2' | 'done';

/**
 * Server side of the handshake as a push parser. S0S1S2 go out as soon as C0C1 is in (as nginx-rtmp
 * and SRS do; clients wait for S1 before sending C2). C2 is read and not checked: many clients
 * echo it imperfectly and it protects nothing.
 */
export class ServerHandshake {
  readonly #queue = new ByteQueue();
  readonly #options: HandshakeOptions;
  #state: HandshakeState = 'c0c1';
  #complex = false;

  constructor(options: HandshakeOptions = {}) {
    this.#options = options;
  }

  get done(): boolean {
    return this.#state === 'done';
  }

  get complex(): boolean {
    return this.#complex;
  }

  /** Feeds bytes; returns what to send, and once done, the bytes that followed C2. */
  push(data: Uint8Array): { reply?: Buffer; rest?: Buffer } {
    this.#queue.push(data);
    const out: { reply?: Buffer; rest?: Buffer } = {};
    if (this.#state === 'c0c1' && this.#queue.length >= 1) {
      // Checked on the first byte so that, say, an HTTP request is refused at once. 6 and 8 are
      // RTMPE (encrypted, unsupported); >= 32 is not RTMP. Other versions get a version 3 answer.
      const version = this.#queue.at(0);
      if (version < 3 || version > 31 || version === 6 || version === 8) {
        throw new RtmpProtocolError('handshake', `unsupported RTMP version ${version}`);
      }
    }
    if (this.#state === 'c0c1' && this.#queue.length >= 1 + HANDSHAKE_SIZE) {
      this.#queue.skip(1);
      const c1 = Buffer.from(this.#queue.read(HANDSHAKE_SIZE));
      const { response, complex } = createServerResponse(c1, this.#options);
      this.#complex = complex;
      out.reply = response;
      this.#state = 'c2';
    }
    if (this.#state === 'c2' && this.#queue.length >= HANDSHAKE_SIZE) {
      this.#queue.skip(HANDSHAKE_SIZE);
      this.#state = 'done';
      out.rest = this.#queue.drain();
    }
    return out;
  }
}

/** Client side helpers (a test client and any future pull client use them). */
export function createClientC0C1(options: { complex: boolean; base?: number }): { c0c1: Buffer; digest?: Buffer } {
  const c1 = randomBytes(HANDSHAKE_SIZE);
  c1.writeUInt32BE(0, 0);
  if (!options.complex) {
    c1.writeUInt32BE(0, 4);
    return { c0c1: Buffer.concat([Buffer.of(RTMP_VERSION), c1]) };
  }
  c1.writeUInt32BE(0x80000702, 4); // a Flash Player 9+ style version
  const digest = signPacket(c1, options.base ?? 8, FP_KEY_TEXT);
  return { c0c1: Buffer.concat([Buffer.of(RTMP_VERSION), c1]), digest };
}

/** Verifies a server's S1 digest (complex handshake). */
export function findServerDigest(s1: Uint8Array): { base: number; digest: Buffer } | null {
  return findDigest(s1, FMS_KEY_TEXT);
}
