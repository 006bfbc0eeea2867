'use client';
import { apiClient } from '../api/client.ts';
import { useI18n } from '../i18n/client.tsx';
import { Field } from './form/field.tsx';
import { FormFooter } from './form/form-footer.tsx';
import { useSaveForm } from './form/use-save-form.ts';

interface SettingsUser {
  nickname: string;
  email: string;
  emailChangeable: boolean;
  providers: string[];
}

/** Profile: nickname, email (read-only for social accounts, with the reason), password. */
export function SettingsForm({ user }: { user: SettingsUser }) {
  const { t } = useI18n();
  const { outcome, submit } = useSaveForm((form) => {
    const body: { nickname?: string; email?: string; newPassword?: string; currentPassword?: string } = {};
    const nickname = String(form.get('nickname') ?? '');
    const email = String(form.get('email') ?? '');
    const newPassword = String(form.get('newPassword') ?? '');
    const currentPassword = String(form.get('currentPassword') ?? '');
    if (nickname !== user.nickname) body.nickname = nickname;
    if (user.emailChangeable && email !== user.email) body.email = email;
    if (newPassword) body.newPassword = newPassword;
    if (currentPassword && (body.email || body.newPassword)) body.currentPassword = currentPassword;
    if (Object.keys(body).length === 0) return undefined;
    return apiClient('/bff').PATCH('/api/users/me', { body });
  }, 'settings.saved');
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
      <FormFooter outcome={outcome} submitLabel={t('settings.save')} />
    </form>
  );
}
