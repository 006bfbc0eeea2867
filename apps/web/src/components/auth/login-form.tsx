'use client';
import { useI18n } from '../../i18n/client.tsx';
import { Field } from '../form/field.tsx';
import { FormFooter } from '../form/form-footer.tsx';
import { usePostForm } from './use-post-form.ts';

export function LoginForm({ returnTo, initialError }: { returnTo: string; initialError: string | null }) {
  const { t } = useI18n();
  const { outcome, busy, submit } = usePostForm(
    '/session/login',
    (form) => ({ email: form.get('email'), password: form.get('password') }),
    // A full navigation: every server component renders again as the signed-in user.
    () => window.location.assign(returnTo),
    initialError,
  );
  return (
    <form className="form" onSubmit={submit} noValidate>
      <Field label={t('form.email')} name="email" type="email" autoComplete="email" required />
      <Field label={t('form.password')} name="password" type="password" autoComplete="current-password" required />
      <FormFooter outcome={outcome} busy={busy} submitLabel={t('login.submit')} announce="alert" />
    </form>
  );
}
