import { DomainError } from '@phzzk/kit/errors';
import type { SocialProfile } from './social-linking.ts';

type Json = Record<string, unknown>;

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const isTrue = (v: unknown) => v === true || v === 'true';

/** Standard OIDC claims (ID token merged with userinfo). */
export function oidcProfile(provider: string, claims: Json, trustEmail: boolean): SocialProfile {
  const subject = str(claims.sub);
  if (!subject) throw new DomainError('upstream-failed', 'SOCIAL_PROVIDER_ERROR', `${provider} returned no subject`);
  const email = str(claims.email);
  return {
    provider,
    subject,
    email,
    emailVerified:
      email !== undefined && (isTrue(claims.email_verified) || (trustEmail && claims.email_verified === undefined)),
    name: str(claims.nickname) ?? str(claims.name),
  };
}

/** Naver's profile API: `{resultcode: "00", response: {id, email, nickname}}`. */
export function naverProfile(provider: string, body: Json, trustEmail: boolean): SocialProfile {
  const response = body.response as Json | undefined;
  const subject = str(response?.id);
  if (body.resultcode !== '00' || !subject) {
    throw new DomainError('upstream-failed', 'SOCIAL_PROVIDER_ERROR', `${provider} profile request failed`);
  }
  const email = str(response?.email);
  return { provider, subject, email, emailVerified: email !== undefined && trustEmail, name: str(response?.nickname) };
}

/** GitHub: `/user` for the id, `/user/emails` for the primary email and whether it is verified. */
export function githubProfile(provider: string, user: Json, emails: unknown): SocialProfile {
  const id = user.id;
  if (typeof id !== 'number' && typeof id !== 'string') {
    throw new DomainError('upstream-failed', 'SOCIAL_PROVIDER_ERROR', `${provider} returned no user id`);
  }
  const list = Array.isArray(emails) ? (emails as Json[]) : [];
  const primary = list.find((e) => e.primary === true);
  const email = str(primary?.email);
  return {
    provider,
    subject: String(id),
    email,
    emailVerified: email !== undefined && primary?.verified === true,
    name: str(user.login) ?? str(user.name),
  };
}
