import { badRequest, forbidden, ProblemError, type ServiceApp } from '@phzzk/kit';
import { type CipherKey, CIPHER_PREFIX, CipherError, decryptValue, encryptValue } from '../domain/cipher.ts';
import { requireAdminToken } from './admin-auth.ts';

const MAX_BODY = 64 * 1024;

/**
 * `curl -d value` posts application/x-www-form-urlencoded: like Spring's EncryptionController,
 * take such a body as the text (percent-decoded, the dangling "=" of a bare value dropped).
 */
function textOf(body: unknown, contentType: string | undefined): string {
  if (typeof body !== 'string') throw badRequest('BODY_REQUIRED', 'post the text as text/plain');
  let text = body;
  if (contentType?.startsWith('application/x-www-form-urlencoded')) {
    try {
      text = decodeURIComponent(text.replaceAll('+', ' '));
    } catch {
      throw badRequest('MALFORMED_BODY', 'the form body is not valid percent-encoding');
    }
    if (text.endsWith('=') && !text.slice(0, -1).includes('=')) text = text.slice(0, -1);
  }
  if (text.length === 0) throw badRequest('BODY_REQUIRED', 'post the text as text/plain');
  return text;
}

function keyOrThrow(key: CipherKey | null): CipherKey {
  if (!key) throw new ProblemError(404, 'NO_KEY', 'No key was installed for encryption service (set ENCRYPT_KEY)');
  return key;
}

/** Spring's POST /encrypt, POST /decrypt (text/plain in and out) and GET /encrypt/status. */
export function encryptionRoutes(
  app: ServiceApp,
  options: { key: CipherKey | null; adminToken: string | undefined; decryptEnabled: boolean },
): void {
  const preHandler = requireAdminToken(options.adminToken);
  app.get('/encrypt/status', { preHandler }, async () => {
    keyOrThrow(options.key);
    return { status: 'OK' };
  });
  app.post('/encrypt', { preHandler, bodyLimit: MAX_BODY }, async (request, reply) => {
    const cipherText = encryptValue(keyOrThrow(options.key), textOf(request.body, request.headers['content-type']));
    return reply.type('text/plain; charset=utf-8').send(cipherText);
  });
  app.post('/decrypt', { preHandler, bodyLimit: MAX_BODY }, async (request, reply) => {
    if (!options.decryptEnabled) {
      throw forbidden('DECRYPT_DISABLED', 'decryption over HTTP is off (encrypt.decrypt-enabled=false)');
    }
    const key = keyOrThrow(options.key);
    let text = textOf(request.body, request.headers['content-type']).trim();
    if (text.startsWith(CIPHER_PREFIX)) text = text.slice(CIPHER_PREFIX.length);
    try {
      return reply.type('text/plain; charset=utf-8').send(decryptValue(key, text));
    } catch (error) {
      if (error instanceof CipherError) throw badRequest('CIPHER_INVALID', error.message);
      throw error;
    }
  });
}
