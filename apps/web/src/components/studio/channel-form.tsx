'use client';
import type { Channel } from '@phzzk/contracts';
import { apiClient } from '../../api/client.ts';
import { useI18n } from '../../i18n/client.tsx';
import { Field } from '../form/field.tsx';
import { FormFooter } from '../form/form-footer.tsx';
import { useSaveForm } from '../form/use-save-form.ts';

/** Title, category and tags of the stream (PATCH /api/channels/me). */
export function ChannelForm({ channel }: { channel: Channel }) {
  const { t } = useI18n();
  const { outcome, submit } = useSaveForm((form) => {
    const category = String(form.get('category') ?? '').trim();
    const tags = String(form.get('tags') ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    return apiClient('/bff').PATCH('/api/channels/me', {
      body: { title: String(form.get('title') ?? '').trim(), category: category || null, tags },
    });
  }, 'studio.saved');
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
        <FormFooter outcome={outcome} submitLabel={t('studio.save')} />
      </form>
    </section>
  );
}
