import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { StreamKeySealer } from '../domain/ports.ts';

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * AES-256-GCM over the stream key, with the channel id as associated data (a sealed key moved to
 * another channel's row does not open). Authorization never uses this copy: it compares digests,
 * so changing the secret only makes existing keys unviewable until their owners rotate them.
 */
export class AesStreamKeySealer implements StreamKeySealer {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = Buffer.from(hkdfSync('sha256', secret, 'phzzk-channel', 'stream-key-seal-v1', 32));
  }

  seal(channelId: string, streamKey: string): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(channelId));
    const ciphertext = Buffer.concat([cipher.update(streamKey, 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), ciphertext]);
  }

  open(channelId: string, sealed: Buffer): string | undefined {
    if (sealed.length <= 1 + IV_BYTES + TAG_BYTES || sealed[0] !== VERSION) return undefined;
    try {
      const iv = sealed.subarray(1, 1 + IV_BYTES);
      const tag = sealed.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
      const decipher = createDecipheriv('aes-256-gcm', this.key, iv);
      decipher.setAAD(Buffer.from(channelId));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(sealed.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]).toString(
        'utf8',
      );
    } catch {
      return undefined;
    }
  }
}
