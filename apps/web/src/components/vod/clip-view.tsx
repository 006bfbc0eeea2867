'use client';
import type { Clip } from '@phzzk/contracts';
import Link from 'next/link';
import { useI18n } from '../../i18n/client.tsx';
import { type MediaChannel, MediaHeading } from './media-heading.tsx';
import { VodPlayer } from './vod-player.tsx';

/** A clip: its player, title, channel link, MP4 download and the VOD it came from (while it exists). */
export function ClipView({ clip, channel, date }: { clip: Clip; channel: MediaChannel; date: string }) {
  const { t } = useI18n();
  return (
    <div className="clip-page">
      <VodPlayer src={clip.playlistUrl} storyboardUrl={null} />
      <div className="channel-info">
        <MediaHeading kind="clip" title={clip.title} channel={channel} style={{ margin: '0 0 10px' }}>
          {t('vod.clippedOn', { date })}
          {' · '}
          {t('clip.length', { seconds: Math.round(clip.durationSeconds) })}
        </MediaHeading>
        <p className="clip-actions">
          <a className="btn btn-primary" href={clip.mp4Url} download data-testid="clip-download">
            {t('clip.download')}
          </a>
          {clip.vodId && (
            <Link className="btn" href={`/video/${clip.vodId}`}>
              {t('clip.fromVideo')}
            </Link>
          )}
        </p>
      </div>
    </div>
  );
}
