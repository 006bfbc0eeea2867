'use client';
import type { ChatSettingsValue } from '@phzzk/contracts';
import { type FormEvent, type ReactNode, useCallback, useEffect, useState } from 'react';
import { apiClient } from '../../api/client.ts';
import { useI18n } from '../../i18n/client.tsx';
import type { MessageKey } from '../../i18n/translate.ts';

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

/** What each list of people is called, what undoes an entry, what an empty one says (if anything). */
const PEOPLE_LISTS = {
  moderators: { heading: 'studio.moderators', action: 'studio.remove' },
  bans: { heading: 'studio.bans', action: 'studio.unban', empty: 'studio.noBans' },
} as const;

/** The moderators or the banned under their heading, by nickname, each with a button that undoes it; then `children`. */
function PeopleSection({
  kind,
  people,
  onRemove,
  children,
}: {
  kind: keyof typeof PEOPLE_LISTS;
  people: Person[];
  onRemove: (kind: keyof typeof PEOPLE_LISTS, id: string) => void;
  children?: ReactNode;
}) {
  const { t } = useI18n();
  const list: { heading: MessageKey; action: MessageKey; empty?: MessageKey } = PEOPLE_LISTS[kind];
  return (
    <>
      <h3 style={{ fontSize: 15 }}>{t(list.heading)}</h3>
      {list.empty && people.length === 0 ? (
        <p className="muted">{t(list.empty)}</p>
      ) : (
        <ul>
          {people.map((p) => (
            <li key={p.id}>
              {p.nickname}{' '}
              <button type="button" className="btn btn-small" onClick={() => onRemove(kind, p.id)}>
                {t(list.action)}
              </button>
            </li>
          ))}
        </ul>
      )}
      {children}
    </>
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
          <PeopleSection kind="moderators" people={moderators} onRemove={remove}>
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
          </PeopleSection>
          <PeopleSection kind="bans" people={bans} onRemove={remove} />
        </>
      )}
      <p role="status" className="muted">
        {note}
      </p>
    </section>
  );
}
