'use client';
import type { Channel } from '@phzzk/contracts';
import { type FormEvent, useState } from 'react';
import { apiClient } from '../../api/client.ts';
import { useI18n } from '../../i18n/client.tsx';
import { problemMessage } from '../auth/problem-message.ts';

/** Title, category and tags of the stream (PATCH /api/channels/me). */
export function ChannelForm({ channel }: { channel: Channel }) {
  const { t } = useI18n();
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const category = String(form.get('category') ?? '').trim();
    const tags = String(form.get('tags') ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const { data, error } = await apiClient('/bff').PATCH('/api/channels/me', {
      body: { title: String(form.get('title') ?? '').trim(), category: category || null, tags },
    });
    setMessage(data ? { ok: true, text: t('studio.saved') } : { ok: false, text: problemMessage(t, error) });
  };
  return (
    <section className="panel" aria-labelledby="info-heading">
      <h2 id="info-heading">{t('studio.streamInfo')}</h2>
      <form className="form" onSubmit={submit}>
        <label>
          {t('studio.streamTitle')}
          <input name="title" defaultValue={channel.title} maxLength={140} required />
        </label>
        <label>
          {t('studio.category')}
          <input name="category" defaultValue={channel.category ?? ''} maxLength={64} />
        </label>
        <label>
          {t('studio.tags')}
          <input name="tags" defaultValue={channel.tags.join(', ')} aria-describedby="tags-hint" />
        </label>
        <p id="tags-hint" className="muted" style={{ margin: 0, fontSize: 13 }}>
          {t('studio.tagsHint')}
        </p>
        <p className={message?.ok ? 'form-ok' : 'form-error'} role="status">
          {message?.text ?? ''}
        </p>
        <button type="submit" className="btn btn-primary">
          {t('studio.save')}
        </button>
      </form>
    </section>
  );
}
