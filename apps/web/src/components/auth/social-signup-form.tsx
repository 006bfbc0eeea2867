'use client';
import Link from 'next/link';
import { type FormEvent, useEffect, useState } from 'react';
import { useI18n } from '../../i18n/client.tsx';
import { postJson, problemMessage } from './problem-message.ts';
import { SOCIAL_SIGNUP_STORAGE } from './social-complete.tsx';

interface Pending {
  signupTicket: string;
  email: string;
  provider: string;
  returnTo?: string;
}

/** Nickname and password for a social sign-up; the provider's email is shown fixed. */
export function SocialSignupForm() {
  const { t } = useI18n();
  const [pending, setPending] = useState<Pending | null | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    try {
      const value = JSON.parse(sessionStorage.getItem(SOCIAL_SIGNUP_STORAGE) ?? 'null') as Pending | null;
      setPending(value?.signupTicket ? value : null);
    } catch {
      setPending(null);
    }
  }, []);
  if (pending === undefined) return null;
  if (pending === null) {
    return (
      <p>
        {t('socialSignup.missing')} <Link href="/login">{t('nav.login')}</Link>
      </p>
    );
  }
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    const result = await postJson('/session/social/signup', {
      signupTicket: pending.signupTicket,
      nickname: form.get('nickname'),
      password: form.get('password'),
    });
    setBusy(false);
    if (!result.ok) {
      setError(problemMessage(t, result.data));
      return;
    }
    sessionStorage.removeItem(SOCIAL_SIGNUP_STORAGE);
    window.location.assign('/studio');
  };
  return (
    <form className="form" onSubmit={submit} noValidate>
      <p className="muted" style={{ margin: 0 }}>
        {t('socialSignup.with', { provider: pending.provider })}
      </p>
      <label>
        {t('form.email')}
        <input name="email" type="email" value={pending.email} readOnly aria-describedby="email-fixed" />
      </label>
      <p id="email-fixed" className="muted" style={{ margin: 0, fontSize: 13 }}>
        {t('socialSignup.emailFixed')}
      </p>
      <label>
        {t('form.nickname')}
        <input name="nickname" autoComplete="nickname" required maxLength={64} />
      </label>
      <label>
        {t('form.password')}
        <input name="password" type="password" autoComplete="new-password" required />
      </label>
      <p className="form-error" role="alert" data-testid="form-error">
        {error ?? ''}
      </p>
      <button type="submit" className="btn btn-primary" disabled={busy}>
        {t('signup.submit')}
      </button>
    </form>
  );
}
