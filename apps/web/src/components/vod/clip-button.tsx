'use client';
import type { Clip, CreateClipRequest } from '@phzzk/contracts';
import Link from 'next/link';
import { useState } from 'react';
import { apiClient, problemCode } from '../../api/client.ts';
import { useI18n } from '../../i18n/client.tsx';
import type { MessageKey } from '../../i18n/translate.ts';

const FAILURES: Record<string, MessageKey> = {
  CLIP_OUT_OF_RANGE: 'clip.tooShort',
  NO_MEDIA: 'clip.tooShort',
  CHANNEL_NOT_LIVE: 'clip.notLive',
};

/**
 * "Clip": POST /api/clips (through /bff, signed in) with what `request` says now (the last 30 s of
 * a live broadcast, or 30 s of a VOD from the playback position); when the clip is made, a link
 * to its page. Signed out: a link to log in.
 */
export function ClipButton({
  signedIn,
  label,
  returnTo,
  request,
}: {
  signedIn: boolean;
  /** The button's accessible name (what it clips). */
  label: string;
  returnTo: string;
  request(): CreateClipRequest | undefined;
}) {
  const { t } = useI18n();
  const [state, setState] = useState<
    { kind: 'idle' } | { kind: 'working' } | { kind: 'made'; clip: Clip } | { kind: 'failed'; message: MessageKey }
  >({ kind: 'idle' });

  if (!signedIn) {
    return (
      <Link className="clip-login" prefetch={false} href={`/login?returnTo=${encodeURIComponent(returnTo)}`}>
        {t('clip.signIn')}
      </Link>
    );
  }

  const make = async () => {
    const body = request();
    if (!body) {
      setState({ kind: 'failed', message: 'clip.tooShort' });
      return;
    }
    setState({ kind: 'working' });
    const { data, error } = await apiClient('/bff')
      .POST('/api/clips', { body })
      .catch(() => ({ data: undefined, error: undefined }));
    if (data) setState({ kind: 'made', clip: data });
    else setState({ kind: 'failed', message: FAILURES[problemCode(error) ?? ''] ?? 'clip.error' });
  };

  return (
    <span className="clip-control">
      <button
        type="button"
        onClick={make}
        disabled={state.kind === 'working'}
        aria-label={label}
        title={label}
        data-testid="clip-button"
      >
        {t('clip.button')}
      </button>
      <span role="status" className="clip-status">
        {state.kind === 'working' && t('clip.working')}
        {state.kind === 'made' && (
          <>
            {t('clip.made')}{' '}
            <Link href={`/clip/${state.clip.id}`} data-testid="clip-link">
              {t('clip.open')}
            </Link>
          </>
        )}
        {state.kind === 'failed' && t(state.message)}
      </span>
    </span>
  );
}
