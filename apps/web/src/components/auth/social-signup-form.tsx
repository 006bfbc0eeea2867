'use client';
import Link from 'next/link';
import { useEffect, useState } from 'react';
import { useI18n } from '../../i18n/client.tsx';
import { Field } from '../form/field.tsx';
import { FormFooter } from '../form/form-footer.tsx';
import { SOCIAL_SIGNUP_STORAGE } from './social-complete.tsx';
import { usePostForm } from './use-post-form.ts';

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
  const { outcome, busy, submit } = usePostForm(
    '/session/social/signup',
    (form) => ({
      signupTicket: pending?.signupTicket,
      nickname: form.get('nickname'),
      password: form.get('password'),
    }),
    () => {
      sessionStorage.removeItem(SOCIAL_SIGNUP_STORAGE);
      window.location.assign('/studio');
    },
  );
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
  return (
    <form className="form" onSubmit={submit} noValidate>
      <p className="muted" style={{ margin: 0 }}>
        {t('socialSignup.with', { provider: pending.provider })}
      </p>
      <Field
        label={t('form.email')}
        name="email"
        type="email"
        value={pending.email}
        readOnly
        hint={t('socialSignup.emailFixed')}
        hintId="email-fixed"
      />
      <Field label={t('form.nickname')} name="nickname" autoComplete="nickname" required maxLength={64} />
      <Field label={t('form.password')} name="password" type="password" autoComplete="new-password" required />
      <FormFooter outcome={outcome} busy={busy} submitLabel={t('signup.submit')} announce="alert" />
    </form>
  );
}
