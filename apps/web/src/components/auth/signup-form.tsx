'use client';
import { type FormEvent, useState } from 'react';
import { useI18n } from '../../i18n/client.tsx';
import { postJson, problemMessage } from './problem-message.ts';

export function SignupForm() {
  const { t } = useI18n();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    const result = await postJson('/session/signup', {
      email: form.get('email'),
      nickname: form.get('nickname'),
      password: form.get('password'),
    });
    setBusy(false);
    if (!result.ok) {
      setError(problemMessage(t, result.data));
      return;
    }
    window.location.assign('/studio');
  };
  return (
    <form className="form" onSubmit={submit} noValidate>
      <label>
        {t('form.email')}
        <input name="email" type="email" autoComplete="email" required />
      </label>
      <label>
        {t('form.nickname')}
        <input name="nickname" autoComplete="nickname" required maxLength={64} />
      </label>
      <label>
        {t('form.password')}
        <input
          name="password"
          type="password"
          autoComplete="new-password"
          required
          minLength={10}
          aria-describedby="password-hint"
        />
      </label>
      <p id="password-hint" className="muted" style={{ margin: 0, fontSize: 13 }}>
        {t('form.passwordHint')}
      </p>
      <p className="form-error" role="alert" data-testid="form-error">
        {error ?? ''}
      </p>
      <button type="submit" className="btn btn-primary" disabled={busy}>
        {t('signup.submit')}
      </button>
    </form>
  );
}
