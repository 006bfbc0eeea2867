'use client';
import type { Clip, ClipPage, Vod, VodPage } from '@phzzk/contracts';
import { useState } from 'react';
import { apiClient } from '../../api/client.ts';
import { useI18n } from '../../i18n/client.tsx';
import { MediaCard } from './media-card.tsx';
import { VodManage } from './vod-manage.tsx';

const PAGE = 12;

/** A channel's VODs and clips, newest first, a page at a time; the owner manages each VOD. */
export function ChannelMedia({
  channelId,
  owner,
  vods,
  clips,
}: {
  channelId: string;
  owner: boolean;
  vods: VodPage | null;
  clips: ClipPage | null;
}) {
  const { t } = useI18n();
  const [vodItems, setVodItems] = useState<Vod[]>(vods?.items ?? []);
  const [vodCursor, setVodCursor] = useState(vods?.nextCursor ?? null);
  const [clipItems, setClipItems] = useState<Clip[]>(clips?.items ?? []);
  const [clipCursor, setClipCursor] = useState(clips?.nextCursor ?? null);
  const [notice, setNotice] = useState<string>('');
  const [busy, setBusy] = useState(false);

  const moreVods = async () => {
    if (!vodCursor) return;
    setBusy(true);
    const { data } = await apiClient('/bff')
      .GET('/api/vods', { params: { query: { channelId, cursor: vodCursor, limit: PAGE } } })
      .catch(() => ({ data: undefined }));
    setBusy(false);
    if (!data) return setNotice(t('channel.listUnavailable'));
    setVodItems((items) => [...items, ...data.items.filter((v) => !items.some((i) => i.id === v.id))]);
    setVodCursor(data.nextCursor);
  };
  const moreClips = async () => {
    if (!clipCursor) return;
    setBusy(true);
    const { data } = await apiClient('/bff')
      .GET('/api/clips', { params: { query: { channelId, cursor: clipCursor, limit: PAGE } } })
      .catch(() => ({ data: undefined }));
    setBusy(false);
    if (!data) return setNotice(t('channel.listUnavailable'));
    setClipItems((items) => [...items, ...data.items.filter((c) => !items.some((i) => i.id === c.id))]);
    setClipCursor(data.nextCursor);
  };

  return (
    <>
      <p role="status" className="sr-only">
        {notice}
      </p>
      <section aria-labelledby="videos-heading" className="media-section">
        <h2 id="videos-heading">{t('channel.videos')}</h2>
        {vods === null ? (
          <p className="muted">{t('channel.listUnavailable')}</p>
        ) : vodItems.length === 0 ? (
          <p className="muted" data-testid="no-vods">
            {t('channel.noVideos')}
          </p>
        ) : (
          <ul className="grid media-grid" aria-label={t('channel.videosLabel')}>
            {vodItems.map((vod) => (
              <MediaCard
                key={vod.id}
                href={`/video/${vod.id}`}
                title={vod.title}
                thumbnailUrl={vod.thumbnailUrl}
                durationSeconds={vod.durationSeconds}
                date={{ iso: vod.startedAt, label: 'vod.streamedOn' }}
                testId="vod-card"
                badges={
                  <>
                    {vod.status === 'recording' && <span className="badge-live">{t('vod.recording')}</span>}
                    {vod.visibility === 'unlisted' && <span className="badge-unlisted">{t('vod.unlisted')}</span>}
                  </>
                }
              >
                {owner && (
                  <VodManage
                    vod={vod}
                    onChanged={(next) => setVodItems((items) => items.map((i) => (i.id === next.id ? next : i)))}
                    onDeleted={(id) => {
                      setVodItems((items) => items.filter((i) => i.id !== id));
                      setNotice(t('vod.deleted'));
                    }}
                  />
                )}
              </MediaCard>
            ))}
          </ul>
        )}
        {vodCursor && (
          <button type="button" className="btn load-more" onClick={moreVods} disabled={busy}>
            {t('channel.loadMore')}
          </button>
        )}
      </section>
      <section aria-labelledby="clips-heading" className="media-section">
        <h2 id="clips-heading">{t('channel.clips')}</h2>
        {clips === null ? (
          <p className="muted">{t('channel.listUnavailable')}</p>
        ) : clipItems.length === 0 ? (
          <p className="muted">{t('channel.noClips')}</p>
        ) : (
          <ul className="grid media-grid" aria-label={t('channel.clipsLabel')}>
            {clipItems.map((clip) => (
              <MediaCard
                key={clip.id}
                href={`/clip/${clip.id}`}
                title={clip.title}
                thumbnailUrl={clip.thumbnailUrl}
                durationSeconds={clip.durationSeconds}
                date={{ iso: clip.createdAt, label: 'vod.clippedOn' }}
                testId="clip-card"
              />
            ))}
          </ul>
        )}
        {clipCursor && (
          <button type="button" className="btn load-more" onClick={moreClips} disabled={busy}>
            {t('channel.loadMore')}
          </button>
        )}
      </section>
    </>
  );
}
