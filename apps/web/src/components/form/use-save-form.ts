'use client';
import { type FormEvent, useState } from 'react';
import { useI18n } from '../../i18n/client.tsx';
import type { MessageKey } from '../../i18n/translate.ts';
import { problemMessage } from '../auth/problem-message.ts';
import type { FormOutcome } from './form-footer.tsx';

/**
 * The submit step of a form that saves through the API: `save(form)` sends it (undefined: nothing
 * to send), then the outcome is the catalog's `savedKey` or the problem in the reader's language.
 */
export function useSaveForm(
  save: (form: FormData) => Promise<{ data?: unknown; error?: unknown }> | undefined,
  savedKey: MessageKey,
): { outcome: FormOutcome; submit: (event: FormEvent<HTMLFormElement>) => Promise<void> } {
  const { t } = useI18n();
  const [outcome, setOutcome] = useState<FormOutcome>(null);
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const request = save(new FormData(event.currentTarget));
    if (!request) return;
    const { data, error } = await request;
    setOutcome(data ? { ok: true, text: t(savedKey) } : { ok: false, text: problemMessage(t, error) });
  };
  return { outcome, submit };
}
