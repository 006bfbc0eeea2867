'use client';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { useI18n } from '../../i18n/client.tsx';
import { formatDuration } from '../../vod/format.ts';
import { dateFormat } from '../../i18n/formats.ts';

/** A VOD or clip in a channel's lists: thumbnail with its duration, title, date. Text only. */
export function MediaCard({
  href,
  title,
  thumbnailUrl,
  durationSeconds,
  date,
  badges,
  testId,
  children,
}: {
  href: string;
  title: string;
  thumbnailUrl: string | null;
  durationSeconds: number;
  /** ISO time and the sentence it goes in ("Streamed {date}"). */
  date: { iso: string; label: 'vod.streamedOn' | 'vod.clippedOn' };
  badges?: ReactNode;
  testId: string;
  /** The owner's controls, below the card (outside its link). */
  children?: ReactNode;
}) {
  const { t, locale } = useI18n();
  const when = dateFormat(locale, { dateStyle: 'medium' }).format(new Date(date.iso));
  return (
    <li className="media-item" data-testid={testId}>
      <Link href={href} className="card">
        <div className="thumb">
          {thumbnailUrl && (
            // biome-ignore lint/performance/noImgElement: media JPEGs from /vod, not assets Next could optimize
            <img src={thumbnailUrl} alt="" loading="lazy" width={320} height={180} />
          )}
          {badges}
          <span className="badge-duration">
            <span className="sr-only">{t('vod.duration', { duration: formatDuration(durationSeconds) })}</span>
            <span aria-hidden="true">{formatDuration(durationSeconds)}</span>
          </span>
        </div>
        <div className="card-body">
          <p className="card-title" data-testid={`${testId}-title`}>
            {title}
          </p>
          <p className="card-meta">
            <time dateTime={date.iso} suppressHydrationWarning>
              {t(date.label, { date: when })}
            </time>
          </p>
        </div>
      </Link>
      {children}
    </li>
  );
}
