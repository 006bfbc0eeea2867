'use client';
import { type FormEvent, useState } from 'react';
import { useI18n } from '../../i18n/client.tsx';
import { postJson, problemMessage } from './problem-message.ts';

export function LoginForm({ returnTo, initialError }: { returnTo: string; initialError: string | null }) {
  const { t } = useI18n();
  const [error, setError] = useState<string | null>(initialError ? problemMessage(t, initialError) : null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    const result = await postJson('/session/login', { email: form.get('email'), password: form.get('password') });
    setBusy(false);
    if (!result.ok) {
      setError(problemMessage(t, result.data));
      return;
    }
    // A full navigation: every server component renders again as the signed-in user.
    window.location.assign(returnTo);
  };
  return (
    <form className="form" onSubmit={submit} noValidate>
      <label>
        {t('form.email')}
        <input name="email" type="email" autoComplete="email" required />
      </label>
      <label>
        {t('form.password')}
        <input name="password" type="password" autoComplete="current-password" required />
      </label>
      <p className="form-error" role="alert" data-testid="form-error">
        {error ?? ''}
      </p>
      <button type="submit" className="btn btn-primary" disabled={busy}>
        {t('login.submit')}
      </button>
    </form>
  );
}
