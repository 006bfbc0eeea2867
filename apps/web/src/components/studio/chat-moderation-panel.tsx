'use client';
import type { ChatSettingsValue } from '@phzzk/contracts';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { apiClient } from '../../api/client.ts';
import { useI18n } from '../../i18n/client.tsx';

type Person = { id: string; nickname: string };

/** The lists answer user ids; the names come from the users API (a nickname not found: the id). */
async function people(userIds: string[]): Promise<Person[]> {
  const api = apiClient('');
  return Promise.all(
    userIds.map(async (id) => {
      const { data } = await api
        .GET('/api/users/{id}', { params: { path: { id } } })
        .catch(() => ({ data: undefined }));
      return { id, nickname: data?.nickname ?? id };
    }),
  );
}

/** Chat settings (slow mode, followers-only, emote-only), moderators and bans of the channel. */
export function ChatModerationPanel({ channelId, slowModeChoices }: { channelId: string; slowModeChoices: number[] }) {
  const { t } = useI18n();
  const [settings, setSettings] = useState<ChatSettingsValue | null>(null);
  const [moderators, setModerators] = useState<Person[]>([]);
  const [bans, setBans] = useState<Person[]>([]);
  const [note, setNote] = useState('');
  const [available, setAvailable] = useState(true);
  const path = { params: { path: { channelId } } };

  const load = useCallback(async () => {
    const api = apiClient('/bff');
    const p = { params: { path: { channelId } } };
    const [s, m, b] = await Promise.all([
      api.GET('/api/chat/{channelId}/settings', p),
      api.GET('/api/chat/{channelId}/moderators', p),
      api.GET('/api/chat/{channelId}/bans', p),
    ]);
    if (!s.data) {
      setAvailable(false);
      return;
    }
    setAvailable(true);
    setSettings(s.data);
    const [mods, banned] = await Promise.all([
      people((m.data?.items ?? []).map((i) => i.userId)),
      people((b.data?.items ?? []).map((i) => i.userId)),
    ]);
    setModerators(mods);
    setBans(banned);
  }, [channelId]);
  useEffect(() => void load(), [load]);

  const save = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const followers = String(form.get('followersOnly') ?? '');
    const body = {
      slowModeSeconds: Number(form.get('slowMode')) as ChatSettingsValue['slowModeSeconds'],
      followersOnlyMinutes: followers === '' ? null : Math.max(0, Number(followers)),
      emoteOnly: form.get('emoteOnly') === 'on',
    };
    const { data } = await apiClient('/bff').PUT('/api/chat/{channelId}/settings', { ...path, body });
    setNote(data ? t('studio.saved') : t('error.generic'));
    if (data) setSettings(data.settings);
  };
  const addModerator = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const userId = String(new FormData(event.currentTarget).get('userId') ?? '').trim();
    if (!userId) return;
    const { response } = await apiClient('/bff').PUT('/api/chat/{channelId}/moderators/{userId}', {
      params: { path: { channelId, userId } },
    });
    setNote(response.ok ? t('studio.saved') : t('error.generic'));
    await load();
  };
  const remove = async (kind: 'moderators' | 'bans', userId: string) => {
    const api = apiClient('/bff');
    const params = { params: { path: { channelId, userId } } };
    const { response } =
      kind === 'moderators'
        ? await api.DELETE('/api/chat/{channelId}/moderators/{userId}', params)
        : await api.DELETE('/api/chat/{channelId}/bans/{userId}', params);
    setNote(response.ok ? t('studio.saved') : t('error.generic'));
    await load();
  };

  return (
    <section className="panel" aria-labelledby="chat-settings-heading">
      <h2 id="chat-settings-heading">{t('studio.chatSettings')}</h2>
      {!available || !settings ? (
        <p className="muted">{t('studio.chatUnavailable')}</p>
      ) : (
        <>
          <form className="form" onSubmit={save}>
            <label>
              {t('studio.slowMode')}
              <select name="slowMode" defaultValue={settings.slowModeSeconds}>
                {slowModeChoices.map((s) => (
                  <option key={s} value={s}>
                    {s === 0 ? t('studio.off') : t('studio.seconds', { seconds: s })}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {t('studio.followersOnly')}
              <input name="followersOnly" type="number" min={0} defaultValue={settings.followersOnlyMinutes ?? ''} />
            </label>
            <label style={{ flexDirection: 'row', gap: 8 }}>
              <input name="emoteOnly" type="checkbox" defaultChecked={settings.emoteOnly} />
              {t('studio.emoteOnly')}
            </label>
            <button type="submit" className="btn btn-primary">
              {t('studio.save')}
            </button>
          </form>
          <h3 style={{ fontSize: 15 }}>{t('studio.moderators')}</h3>
          <ul>
            {moderators.map((m) => (
              <li key={m.id}>
                {m.nickname}{' '}
                <button type="button" className="btn btn-small" onClick={() => remove('moderators', m.id)}>
                  {t('studio.remove')}
                </button>
              </li>
            ))}
          </ul>
          <form className="key-row" onSubmit={addModerator}>
            <label>
              <span className="sr-only">{t('studio.moderatorId')}</span>
              <input
                name="userId"
                className="input"
                placeholder={t('studio.moderatorId')}
                aria-label={t('studio.moderatorId')}
              />
            </label>
            <button type="submit" className="btn btn-small">
              {t('studio.addModerator')}
            </button>
          </form>
          <h3 style={{ fontSize: 15 }}>{t('studio.bans')}</h3>
          {bans.length === 0 ? (
            <p className="muted">{t('studio.noBans')}</p>
          ) : (
            <ul>
              {bans.map((b) => (
                <li key={b.id}>
                  {b.nickname}{' '}
                  <button type="button" className="btn btn-small" onClick={() => remove('bans', b.id)}>
                    {t('studio.unban')}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
      <p role="status" className="muted">
        {note}
      </p>
    </section>
  );
}
