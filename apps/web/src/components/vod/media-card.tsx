'use client';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { useI18n } from '../../i18n/client.tsx';
import { formatDuration } from '../../vod/format.ts';
import { dateFormat } from '../../i18n/formats.ts';

/** Where each kind of card links, the sentence its date goes in, its test id. */
const KINDS = {
  vod: { path: '/video', dateLabel: 'vod.streamedOn', testId: 'vod-card' },
  clip: { path: '/clip', dateLabel: 'vod.clippedOn', testId: 'clip-card' },
} as const;

/** A VOD or clip in a channel's lists: thumbnail with its duration, title, date (`at`). Text only. */
export function MediaCard({
  kind,
  item,
  at,
  badges,
  children,
}: {
  kind: keyof typeof KINDS;
  item: { id: string; title: string; thumbnailUrl: string | null; durationSeconds: number };
  /** ISO time: when the VOD was streamed, or the clip made. */
  at: string;
  badges?: ReactNode;
  /** The owner's controls, below the card (outside its link). */
  children?: ReactNode;
}) {
  const { path, dateLabel, testId } = KINDS[kind];
  const { title, thumbnailUrl, durationSeconds } = item;
  const { t, locale } = useI18n();
  const when = dateFormat(locale, { dateStyle: 'medium' }).format(new Date(at));
  return (
    <li className="media-item" data-testid={testId}>
      <Link href={`${path}/${item.id}`} className="card">
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
            <time dateTime={at} suppressHydrationWarning>
              {t(dateLabel, { date: when })}
            </time>
          </p>
        </div>
      </Link>
      {children}
    </li>
  );
}
