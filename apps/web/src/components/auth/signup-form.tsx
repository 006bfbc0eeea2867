'use client';
import { useI18n } from '../../i18n/client.tsx';
import { Field } from '../form/field.tsx';
import { FormFooter } from '../form/form-footer.tsx';
import { usePostForm } from './use-post-form.ts';

export function SignupForm() {
  const { t } = useI18n();
  const { outcome, busy, submit } = usePostForm(
    '/session/signup',
    (form) => ({ email: form.get('email'), nickname: form.get('nickname'), password: form.get('password') }),
    () => window.location.assign('/studio'),
  );
  return (
    <form className="form" onSubmit={submit} noValidate>
      <Field label={t('form.email')} name="email" type="email" autoComplete="email" required />
      <Field label={t('form.nickname')} name="nickname" autoComplete="nickname" required maxLength={64} />
      <Field
        label={t('form.password')}
        name="password"
        type="password"
        autoComplete="new-password"
        required
        minLength={10}
        hint={t('form.passwordHint')}
      />
      <FormFooter outcome={outcome} busy={busy} submitLabel={t('signup.submit')} announce="alert" />
    </form>
  );
}
