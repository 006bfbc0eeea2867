'use client';
import Link from 'next/link';
import { useEffect, useRef, useState } from 'react';
import { useI18n } from '../../i18n/client.tsx';
import { postJson, problemMessage } from './problem-message.ts';

export const SOCIAL_SIGNUP_STORAGE = 'phzzk.socialSignup';

/**
 * Reads `#code=` (or `#error=`) from the fragment, removes it from the address bar, and trades
 * the code through the Next server: signed in, or on to /signup/social with the ticket.
 */
export function SocialComplete() {
  const { t } = useI18n();
  const [error, setError] = useState<string | null>(null);
  const started = useRef(false);
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    const fragment = new URLSearchParams(window.location.hash.slice(1));
    history.replaceState(null, '', window.location.pathname);
    const failure = fragment.get('error');
    const code = fragment.get('code');
    if (failure || !code) {
      setError(problemMessage(t, failure ?? 'SOCIAL_CODE_INVALID'));
      return;
    }
    void postJson('/session/social/exchange', { code }).then((result) => {
      const data = result.data as {
        status?: string;
        returnTo?: string;
        signupTicket?: string;
        email?: string;
        provider?: string;
      };
      if (!result.ok) {
        setError(problemMessage(t, result.data));
      } else if (data.status === 'authenticated') {
        const to = data.returnTo?.startsWith('/') && !data.returnTo.startsWith('//') ? data.returnTo : '/';
        window.location.assign(to);
      } else if (data.status === 'signup_required') {
        sessionStorage.setItem(
          SOCIAL_SIGNUP_STORAGE,
          JSON.stringify({
            signupTicket: data.signupTicket,
            email: data.email,
            provider: data.provider,
            returnTo: data.returnTo,
          }),
        );
        window.location.assign('/signup/social');
      }
    });
  }, [t]);
  if (!error) return <p aria-live="polite">{t('complete.working')}</p>;
  return (
    <>
      <p className="form-error" role="alert" data-testid="form-error">
        {error}
      </p>
      <Link href="/login">{t('complete.back')}</Link>
    </>
  );
}
