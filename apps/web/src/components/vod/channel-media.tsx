'use client';
import type { Clip, ClipPage, Vod, VodPage } from '@phzzk/contracts';
import { type ReactNode, useState } from 'react';
import { apiClient } from '../../api/client.ts';
import { useI18n } from '../../i18n/client.tsx';
import { MediaCard } from './media-card.tsx';
import { VodManage } from './vod-manage.tsx';

const PAGE = 12;

type Page<T> = { items: T[]; nextCursor: string | null };

/**
 * A list read a page at a time from `read` (a cursor to the next page): the items so far, and
 * `more` while there is a next page; `failed` when a page could not be read. `first` is the page
 * the server read (null: it could not, the list is `unavailable`).
 */
function usePages<T extends { id: string }>(
  first: Page<T> | null,
  read: (cursor: string) => Promise<{ data?: Page<T> }>,
  failed: () => void,
) {
  const [items, setItems] = useState<T[]>(first?.items ?? []);
  const [cursor, setCursor] = useState(first?.nextCursor ?? null);
  const [busy, setBusy] = useState(false);
  const more = async () => {
    if (!cursor) return;
    setBusy(true);
    const { data } = await read(cursor).catch(() => ({ data: undefined }));
    setBusy(false);
    if (!data) return failed();
    setItems((items) => [...items, ...data.items.filter((v) => !items.some((i) => i.id === v.id))]);
    setCursor(data.nextCursor);
  };
  return { items, setItems, busy, unavailable: first === null, more: cursor ? more : null };
}

/** What each of a channel's lists says when it is empty (and that line's test id). */
const SECTIONS = {
  videos: { empty: 'channel.noVideos', emptyTestId: 'no-vods' },
  clips: { empty: 'channel.noClips', emptyTestId: undefined },
} as const;

/** One of a channel's lists: its heading, then the cards (or why there are none) and "show more". */
function MediaSection({
  kind,
  pages,
  busy,
  children,
}: {
  kind: keyof typeof SECTIONS;
  pages: { items: unknown[]; unavailable: boolean; more: (() => void) | null };
  busy: boolean;
  children: ReactNode;
}) {
  const { empty, emptyTestId } = SECTIONS[kind];
  const { t } = useI18n();
  return (
    <section aria-labelledby={`${kind}-heading`} className="media-section">
      <h2 id={`${kind}-heading`}>{t(`channel.${kind}`)}</h2>
      {pages.unavailable ? (
        <p className="muted">{t('channel.listUnavailable')}</p>
      ) : pages.items.length === 0 ? (
        <p className="muted" data-testid={emptyTestId}>
          {t(empty)}
        </p>
      ) : (
        <ul className="grid media-grid" aria-label={t(`channel.${kind}Label`)}>
          {children}
        </ul>
      )}
      {pages.more && (
        <button type="button" className="btn load-more" onClick={pages.more} disabled={busy}>
          {t('channel.loadMore')}
        </button>
      )}
    </section>
  );
}

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
  const [notice, setNotice] = useState<string>('');
  const failed = () => setNotice(t('channel.listUnavailable'));
  const query = (cursor: string) => ({ params: { query: { channelId, cursor, limit: PAGE } } });
  const vodPages = usePages<Vod>(vods, (cursor) => apiClient('/bff').GET('/api/vods', query(cursor)), failed);
  const clipPages = usePages<Clip>(clips, (cursor) => apiClient('/bff').GET('/api/clips', query(cursor)), failed);
  const busy = vodPages.busy || clipPages.busy;

  return (
    <>
      <p role="status" className="sr-only">
        {notice}
      </p>
      <MediaSection kind="videos" pages={vodPages} busy={busy}>
        {vodPages.items.map((vod) => (
          <MediaCard
            key={vod.id}
            kind="vod"
            item={vod}
            at={vod.startedAt}
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
                onChanged={(next) => vodPages.setItems((items) => items.map((i) => (i.id === next.id ? next : i)))}
                onDeleted={(id) => {
                  vodPages.setItems((items) => items.filter((i) => i.id !== id));
                  setNotice(t('vod.deleted'));
                }}
              />
            )}
          </MediaCard>
        ))}
      </MediaSection>
      <MediaSection kind="clips" pages={clipPages} busy={busy}>
        {clipPages.items.map((clip) => (
          <MediaCard key={clip.id} kind="clip" item={clip} at={clip.createdAt} />
        ))}
      </MediaSection>
    </>
  );
}
