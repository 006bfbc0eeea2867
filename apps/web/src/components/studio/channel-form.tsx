'use client';
import type { Channel } from '@phzzk/contracts';
import { type FormEvent, useState } from 'react';
import { apiClient } from '../../api/client.ts';
import { useI18n } from '../../i18n/client.tsx';
import { problemMessage } from '../auth/problem-message.ts';
import { Field } from '../form/field.tsx';
import { FormFooter, type FormOutcome } from '../form/form-footer.tsx';

/** Title, category and tags of the stream (PATCH /api/channels/me). */
export function ChannelForm({ channel }: { channel: Channel }) {
  const { t } = useI18n();
  const [message, setMessage] = useState<FormOutcome>(null);
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
        <Field label={t('studio.streamTitle')} name="title" defaultValue={channel.title} maxLength={140} required />
        <Field label={t('studio.category')} name="category" defaultValue={channel.category ?? ''} maxLength={64} />
        <Field
          label={t('studio.tags')}
          name="tags"
          defaultValue={channel.tags.join(', ')}
          hint={t('studio.tagsHint')}
        />
        <FormFooter outcome={message} submitLabel={t('studio.save')} />
      </form>
    </section>
  );
}
