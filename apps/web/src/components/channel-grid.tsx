'use client';
import Link from 'next/link';
import { useI18n } from '../i18n/client.tsx';
import type { DirectoryCard } from '../server/directory.ts';
import { LiveThumbnail } from './live-thumbnail.tsx';

/**
 * The live directory's grid. A client component that receives the cards as plain data: the
 * server sends each card's few fields, not its element tree (48 cards of markup were most of the
 * home page's render payload, serialized and parsed again on every request).
 */
export function ChannelGrid({ cards }: { cards: DirectoryCard[] }) {
  const { t } = useI18n();
  return (
    <ul className="grid" aria-label={t('home.listLabel')} style={{ listStyle: 'none', padding: 0, margin: 0 }}>
      {cards.map((card) => (
        <li key={card.id}>
          <ChannelCard card={card} />
        </li>
      ))}
    </ul>
  );
}

/** A live channel in the directory: thumbnail, title, channel, category, viewers. Text only. */
function ChannelCard({ card }: { card: DirectoryCard }) {
  const { t } = useI18n();
  const viewerText = card.viewers === null ? t('card.viewersUnknown') : t('card.viewers', { count: card.viewers });
  return (
    <Link href={`/live/${card.id}`} prefetch={false} className="card" data-testid="channel-card">
      <div className="thumb">
        <LiveThumbnail src={`/hls/${card.id}/thumbnail.jpg`} />
        <span className="badge-live">{t('card.live')}</span>
        <span className="badge-viewers">{viewerText}</span>
      </div>
      <div className="card-body">
        <p className="card-title">{card.title}</p>
        <p className="card-meta">
          {card.ownerNickname}
          {card.following ? ` · ${t('card.following')}` : ''}
        </p>
        {card.category && <span className="tag">{card.category}</span>}
        {card.tags.map((tag) => (
          <span className="tag" key={tag}>
            {tag}
          </span>
        ))}
      </div>
    </Link>
  );
}
