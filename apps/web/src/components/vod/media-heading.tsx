import Link from 'next/link';
import type { CSSProperties, ReactNode } from 'react';

/** The channel of a VOD or clip page; null when it could not be read. */
export type MediaChannel = { id: string; nickname: string } | null;

/**
 * The heading of a VOD or clip page: its title, then a line led by the channel's link (test ids
 * `<kind>-title`, `<kind>-channel`) and followed by `children`.
 */
export function MediaHeading({
  kind,
  title,
  channel,
  style,
  children,
}: {
  kind: 'vod' | 'clip';
  title: string;
  channel: MediaChannel;
  style: CSSProperties;
  children: ReactNode;
}) {
  return (
    <>
      <h1 data-testid={`${kind}-title`}>{title}</h1>
      <p className="muted" style={style}>
        {channel && (
          <>
            <Link href={`/channel/${channel.id}`} data-testid={`${kind}-channel`}>
              {channel.nickname}
            </Link>
            {' · '}
          </>
        )}
        {children}
      </p>
    </>
  );
}
