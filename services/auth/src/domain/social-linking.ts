import { DomainError } from '@phzzk/kit/errors';

/** What a provider told us about the person who just signed in there. */
export interface SocialProfile {
  provider: string;
  subject: string;
  email: string | undefined;
  emailVerified: boolean;
  name: string | undefined;
}

export interface KnownAccount {
  id: string;
  signupMethod: string;
  emailVerified: boolean;
}

export type SocialDecision =
  | { kind: 'login'; accountId: string }
  | { kind: 'link-and-login'; accountId: string }
  | { kind: 'signup'; email: string };

/**
 * Design section 4: a linked identity logs in; otherwise an account with the provider's email is
 * logged in (and the identity linked) only if the provider verified that email; otherwise the
 * sign-up continues with that email fixed. An unverified email never reaches an account, and is
 * not accepted for a new one either (it would let anyone squat someone else's address).
 */
export function decideSocialLogin(input: {
  profile: SocialProfile;
  linked: KnownAccount | undefined;
  byEmail: KnownAccount | undefined;
}): SocialDecision {
  const { profile, linked, byEmail } = input;
  if (linked) return { kind: 'login', accountId: linked.id };
  if (!profile.email) {
    throw new DomainError(
      'invalid',
      'SOCIAL_EMAIL_MISSING',
      `${profile.provider} did not share an email address; allow email access and try again.`,
    );
  }
  if (!profile.emailVerified) {
    throw new DomainError(
      'forbidden',
      'SOCIAL_EMAIL_UNVERIFIED',
      `${profile.provider} has not verified this email address; verify it there first.`,
    );
  }
  if (byEmail) return { kind: 'link-and-login', accountId: byEmail.id };
  return { kind: 'signup', email: profile.email };
}

/**
 * Linking a provider to a password account whose email nobody had proven yet means the password
 * may have been set by someone else (account pre-hijacking): end the sessions that existed before.
 */
export const linkEndsEarlierSessions = (account: KnownAccount, emailNewlyVerified: boolean): boolean =>
  emailNewlyVerified && account.signupMethod === 'password';
