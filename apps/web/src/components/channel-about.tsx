'use client';
import type { Channel } from '@phzzk/contracts';
import Link from 'next/link';
import { FollowButton } from './follow-button.tsx';

/** The channel's title, owner, category, tags, followers and follow button. Text only. */
export function ChannelAbout({ channel, signedIn }: { channel: Channel; signedIn: boolean }) {
  return (
    <div className="channel-info">
      <h1 data-testid="channel-title">{channel.title}</h1>
      <p style={{ margin: '0 0 6px' }}>
        <Link href={`/channel/${channel.id}`} prefetch={false} data-testid="channel-owner">
          {channel.ownerNickname}
        </Link>
        {channel.category && (
          <span className="tag" style={{ marginLeft: 8 }}>
            {channel.category}
          </span>
        )}
        {channel.tags.map((tag) => (
          <span className="tag" key={tag}>
            {tag}
          </span>
        ))}
      </p>
      <FollowButton
        channelId={channel.id}
        initialFollowing={channel.following}
        initialCount={channel.followerCount}
        signedIn={signedIn}
      />
    </div>
  );
}
