import Link from 'next/link';
import type { Translate } from '../i18n/translate.ts';
import { LiveThumbnail } from './live-thumbnail.tsx';
import type { LiveCard } from '../server/directory.ts';
import { numberFormat } from '../i18n/formats.ts';

/** A live channel in the directory: thumbnail, title, channel, category, viewers. Text only. */
export function ChannelCard({ card, locale, t }: { card: LiveCard; locale: string; t: Translate }) {
  const { channel, viewers } = card;
  const viewerText =
    viewers === null ? t('card.viewersUnknown') : t('card.viewers', { count: numberFormat(locale).format(viewers) });
  return (
    <Link href={`/live/${channel.id}`} prefetch={false} className="card" data-testid="channel-card">
      <div className="thumb">
        <LiveThumbnail src={`/hls/${channel.id}/thumbnail.jpg`} />
        <span className="badge-live">{t('card.live')}</span>
        <span className="badge-viewers">{viewerText}</span>
      </div>
      <div className="card-body">
        <p className="card-title">{channel.title}</p>
        <p className="card-meta">
          {channel.ownerNickname}
          {card.following ? ` · ${t('card.following')}` : ''}
        </p>
        {channel.category && <span className="tag">{channel.category}</span>}
        {channel.tags.slice(0, 3).map((tag) => (
          <span className="tag" key={tag}>
            {tag}
          </span>
        ))}
      </div>
    </Link>
  );
}
