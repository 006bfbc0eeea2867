import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { ProblemError } from '@phzzk/kit';
import type { FastifyReply, FastifyRequest } from 'fastify';

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
const same = (a: string, b: string) => timingSafeEqual(digest(a), digest(b));

/**
 * Whether a webhook call proves it knows the secret, in the ways git hosts send it: GitHub and
 * Gitea sign the body (`X-Hub-Signature-256: sha256=<hex HMAC>`), GitLab sends the token
 * (`X-Gitlab-Token`), anything else may send `Authorization: Bearer <secret>`.
 */
export function webhookVerified(secret: string, headers: FastifyRequest['headers'], body: string): boolean {
  const signature = headers['x-hub-signature-256'];
  if (typeof signature === 'string') {
    return same(signature, `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`);
  }
  const gitlab = headers['x-gitlab-token'];
  if (typeof gitlab === 'string') return same(gitlab, secret);
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '');
  return bearer ? same(bearer[1] as string, secret) : false;
}

/** A preHandler (after the body is read: GitHub signs it) refusing `/monitor` calls without the secret. */
export function requireWebhookSecret(secret: string | undefined) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const body = typeof request.body === 'string' ? request.body : '';
    if (secret && webhookVerified(secret, request.headers, body)) return;
    reply.header('www-authenticate', 'Bearer realm="phzzk-config-monitor"');
    throw new ProblemError(
      401,
      'UNAUTHORIZED',
      secret
        ? '/monitor needs the webhook secret (X-Hub-Signature-256, X-Gitlab-Token or Authorization: Bearer)'
        : 'no webhook secret is configured (config.monitor.secret / CONFIG_MONITOR_SECRET), so /monitor is closed',
    );
  };
}
