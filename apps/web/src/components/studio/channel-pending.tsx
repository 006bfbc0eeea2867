'use client';
import { useRouter } from 'next/navigation';
import { useEffect } from 'react';
import { useI18n } from '../../i18n/client.tsx';

/** Shown for the moment between sign-up and the channel's creation; renders the page again until it exists. */
export function ChannelPending() {
  const { t } = useI18n();
  const router = useRouter();
  useEffect(() => {
    const timer = setInterval(() => router.refresh(), 1000);
    return () => clearInterval(timer);
  }, [router]);
  return (
    <>
      <h1>{t('studio.title')}</h1>
      <p role="status" data-testid="channel-pending">
        {t('studio.pending')}
      </p>
    </>
  );
}
