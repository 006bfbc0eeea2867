'use client';
import { type FormEvent, useState } from 'react';
import { apiClient } from '../api/client.ts';
import { useI18n } from '../i18n/client.tsx';
import { problemMessage } from './auth/problem-message.ts';
import { Field } from './form/field.tsx';
import { FormFooter, type FormOutcome } from './form/form-footer.tsx';

interface SettingsUser {
  nickname: string;
  email: string;
  emailChangeable: boolean;
  providers: string[];
}

/** Profile: nickname, email (read-only for social accounts, with the reason), password. */
export function SettingsForm({ user }: { user: SettingsUser }) {
  const { t } = useI18n();
  const [message, setMessage] = useState<FormOutcome>(null);
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
      <Field label={t('form.nickname')} name="nickname" defaultValue={user.nickname} maxLength={64} required />
      <Field
        label={t('form.email')}
        name="email"
        type="email"
        defaultValue={user.email}
        readOnly={!user.emailChangeable}
        hint={user.emailChangeable ? undefined : t('settings.emailFixed', { provider: user.providers.join(', ') })}
        hintId="email-reason"
      />
      <Field label={t('settings.newPassword')} name="newPassword" type="password" autoComplete="new-password" />
      <Field
        label={t('settings.currentPassword')}
        name="currentPassword"
        type="password"
        autoComplete="current-password"
      />
      <FormFooter outcome={message} submitLabel={t('settings.save')} />
    </form>
  );
}
