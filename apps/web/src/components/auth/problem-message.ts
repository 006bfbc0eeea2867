import type { MessageKey, Translate } from '../../i18n/translate.ts';

const KNOWN = new Set([
  'INVALID_CREDENTIALS',
  'TOO_MANY_ATTEMPTS',
  'EMAIL_TAKEN',
  'NICKNAME_TAKEN',
  'NICKNAME_CONFUSABLE',
  'INVALID_NICKNAME',
  'WEAK_PASSWORD',
  'VALIDATION_FAILED',
  'SIGNUP_TICKET_EXPIRED',
  'SIGNUP_TICKET_INVALID',
  'SIGNUP_TICKET_USED',
  'SOCIAL_ACCESS_DENIED',
  'SOCIAL_EMAIL_UNVERIFIED',
  'SOCIAL_EMAIL_MISSING',
  'SOCIAL_STATE_INVALID',
  'SOCIAL_CODE_INVALID',
  'SOCIAL_PROVIDER_UNKNOWN',
  'SOCIAL_PROVIDER_ERROR',
  'SOCIAL_PROVIDER_UNREACHABLE',
  'SOCIAL_UNAVAILABLE',
  'UNKNOWN_PROVIDER',
  'CURRENT_PASSWORD_INVALID',
  'CURRENT_PASSWORD_REQUIRED',
  'EMAIL_CHANGE_FORBIDDEN',
  'CROSS_SITE_REQUEST',
]);

/** A problem answer (or a bare code) as a sentence in the reader's language. */
export function problemMessage(t: Translate, problem: unknown): string {
  const p = (problem && typeof problem === 'object' ? problem : { code: problem }) as {
    code?: unknown;
    retryAfter?: unknown;
  };
  const code = typeof p.code === 'string' ? p.code : '';
  if (!KNOWN.has(code)) return t('error.generic');
  const seconds = typeof p.retryAfter === 'number' ? p.retryAfter : 0;
  return t(`error.${code}` as MessageKey, { minutes: Math.max(1, Math.ceil(seconds / 60)) });
}

export async function postJson(url: string, body: unknown): Promise<{ ok: boolean; status: number; data: unknown }> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const data: unknown = await response.json().catch(() => ({}));
    return { ok: response.ok, status: response.status, data };
  } catch {
    return { ok: false, status: 0, data: { code: 'NETWORK' } };
  }
}
