'use client';
import Link from 'next/link';
import { useState } from 'react';
import { apiClient } from '../api/client.ts';
import { useI18n } from '../i18n/client.tsx';
import { numberFormat } from '../i18n/formats.ts';

/** Follow / unfollow (PUT|DELETE /api/channels/{id}/follow through /bff); null: the owner, no button. */
export function FollowButton({
  channelId,
  initialFollowing,
  initialCount,
  signedIn,
}: {
  channelId: string;
  initialFollowing: boolean | null;
  initialCount: number;
  signedIn: boolean;
}) {
  const { t, locale } = useI18n();
  const [following, setFollowing] = useState(initialFollowing);
  const [count, setCount] = useState(initialCount);
  const [busy, setBusy] = useState(false);
  const followers = t('channel.followers', { count: numberFormat(locale).format(count) });
  if (!signedIn) {
    return (
      <p className="muted">
        {followers} ·{' '}
        <Link href={`/login?returnTo=/channel/${channelId}`} prefetch={false}>
          {t('channel.signInToFollow')}
        </Link>
      </p>
    );
  }
  if (following === null) return <p className="muted">{followers}</p>;
  const toggle = async () => {
    setBusy(true);
    const api = apiClient('/bff');
    const params = { params: { path: { id: channelId } } };
    const { data } = following
      ? await api.DELETE('/api/channels/{id}/follow', params)
      : await api.PUT('/api/channels/{id}/follow', params);
    if (data) {
      setFollowing(data.following);
      setCount(data.followerCount);
    }
    setBusy(false);
  };
  return (
    <p style={{ display: 'flex', gap: 10, alignItems: 'center' }}>
      <button
        type="button"
        className={`btn ${following ? '' : 'btn-primary'}`}
        onClick={toggle}
        disabled={busy}
        aria-pressed={following}
      >
        {following ? t('channel.unfollow') : t('channel.follow')}
      </button>
      <span className="muted">{followers}</span>
    </p>
  );
}
