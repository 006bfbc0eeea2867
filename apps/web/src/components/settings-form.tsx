'use client';
import { type FormEvent, useState } from 'react';
import { apiClient } from '../api/client.ts';
import { useI18n } from '../i18n/client.tsx';
import { problemMessage } from './auth/problem-message.ts';

interface SettingsUser {
  nickname: string;
  email: string;
  emailChangeable: boolean;
  providers: string[];
}

/** Profile: nickname, email (read-only for social accounts, with the reason), password. */
export function SettingsForm({ user }: { user: SettingsUser }) {
  const { t } = useI18n();
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const body: { nickname?: string; email?: string; newPassword?: string; currentPassword?: string } = {};
    const nickname = String(form.get('nickname') ?? '');
    const email = String(form.get('email') ?? '');
    const newPassword = String(form.get('newPassword') ?? '');
    const currentPassword = String(form.get('currentPassword') ?? '');
    if (nickname !== user.nickname) body.nickname = nickname;
    if (user.emailChangeable && email !== user.email) body.email = email;
    if (newPassword) body.newPassword = newPassword;
    if (currentPassword && (body.email || body.newPassword)) body.currentPassword = currentPassword;
    if (Object.keys(body).length === 0) return;
    const { data, error } = await apiClient('/bff').PATCH('/api/users/me', { body });
    setMessage(data ? { ok: true, text: t('settings.saved') } : { ok: false, text: problemMessage(t, error) });
  };
  return (
    <form className="form" onSubmit={submit} noValidate>
      <label>
        {t('form.nickname')}
        <input name="nickname" defaultValue={user.nickname} maxLength={64} required />
      </label>
      <label>
        {t('form.email')}
        <input
          name="email"
          type="email"
          defaultValue={user.email}
          readOnly={!user.emailChangeable}
          aria-describedby={user.emailChangeable ? undefined : 'email-reason'}
        />
      </label>
      {!user.emailChangeable && (
        <p id="email-reason" className="muted" style={{ margin: 0, fontSize: 13 }} data-testid="email-reason">
          {t('settings.emailFixed', { provider: user.providers.join(', ') })}
        </p>
      )}
      <label>
        {t('settings.newPassword')}
        <input name="newPassword" type="password" autoComplete="new-password" />
      </label>
      <label>
        {t('settings.currentPassword')}
        <input name="currentPassword" type="password" autoComplete="current-password" />
      </label>
      <p className={message?.ok ? 'form-ok' : 'form-error'} role="status">
        {message?.text ?? ''}
      </p>
      <button type="submit" className="btn btn-primary">
        {t('settings.save')}
      </button>
    </form>
  );
}
