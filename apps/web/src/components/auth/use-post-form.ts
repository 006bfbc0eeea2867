'use client';
import { type FormEvent, useState } from 'react';
import { useI18n } from '../../i18n/client.tsx';
import type { FormOutcome } from '../form/form-footer.tsx';
import { postJson, problemMessage } from './problem-message.ts';

/**
 * The submit step of a session form: posts `fields(form)` to `url`, then calls `done` (a navigation)
 * or shows the problem in the reader's language. `initialError` is a problem code to show first.
 */
export function usePostForm(
  url: string,
  fields: (form: FormData) => Record<string, unknown>,
  done: () => void,
  initialError: string | null = null,
): { outcome: FormOutcome; busy: boolean; submit: (event: FormEvent<HTMLFormElement>) => Promise<void> } {
  const { t } = useI18n();
  const [error, setError] = useState<string | null>(initialError ? problemMessage(t, initialError) : null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    const result = await postJson(url, fields(form));
    setBusy(false);
    if (!result.ok) {
      setError(problemMessage(t, result.data));
      return;
    }
    done();
  };
  return { outcome: error === null ? null : { ok: false, text: error }, busy, submit };
}
