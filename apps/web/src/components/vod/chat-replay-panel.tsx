'use client';
import { useEffect, useRef, useState } from 'react';
import { apiClient } from '../../api/client.ts';
import { useI18n } from '../../i18n/client.tsx';
import { ReplayWindow } from '../../vod/chat-replay.ts';
import { formatDuration } from '../../vod/format.ts';
import { ChatLogBox } from '../chat/chat-log-box.tsx';

/** After a failed request, how long to wait before asking again. */
const RETRY_MS = 3000;

/**
 * The broadcast's chat beside a VOD, in sync with playback: `clock` is the playback position on
 * the chat's clock (seconds since the session started); windows of the replay route are fetched
 * as it advances, and the messages sent up to it are shown. Text only (React text nodes).
 */
export function ChatReplayPanel({
  channelId,
  sessionId,
  clock,
  edge,
}: {
  channelId: string;
  sessionId: string;
  clock: number;
  /** How far the chat can be asked for (the recorded edge while live; Infinity once ended). */
  edge: number;
}) {
  const { t } = useI18n();
  const replay = useRef(new ReplayWindow());
  const [version, setVersion] = useState(0);
  const [failedAt, setFailedAt] = useState(0);
  const scroller = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (Date.now() - failedAt < RETRY_MS) return;
    const request = replay.current.next(clock, edge);
    if (!request) return;
    const api = apiClient('/bff');
    void api
      .GET('/api/chat/{channelId}/replay', {
        params: {
          path: { channelId },
          query: { sessionId, fromSeconds: request.fromSeconds, toSeconds: request.toSeconds },
        },
      })
      .then(({ data }) => {
        if (!data) throw new Error('replay refused');
        replay.current.accept(request, data);
        setFailedAt(0);
        setVersion((v) => v + 1);
      })
      .catch(() => {
        replay.current.failed(request);
        setFailedAt(Date.now());
      });
  }, [channelId, sessionId, clock, edge, failedAt]);

  const lines = replay.current.visible(clock);
  const last = lines.at(-1)?.seq;
  // biome-ignore lint/correctness/useExhaustiveDependencies: scroll when the newest shown line changes
  useEffect(() => {
    const box = scroller.current;
    if (box) box.scrollTop = box.scrollHeight;
  }, [last, version]);

  return (
    <section className="chat" aria-labelledby="replay-heading" data-testid="chat-replay">
      <div className="chat-header">
        <h2 id="replay-heading" className="chat-heading">
          {t('video.chatReplay')}
        </h2>
      </div>
      <ChatLogBox ref={scroller} label={t('video.chatReplayLabel')}>
        {failedAt > 0 && (
          <p className="form-error" style={{ padding: '8px 12px' }}>
            {t('video.chatUnavailable')}
          </p>
        )}
        {lines.length === 0 ? (
          <p className="muted" style={{ padding: '8px 12px' }}>
            {t('video.chatEmpty')}
          </p>
        ) : (
          <ol className="replay-list">
            {lines.map((m) => (
              <li key={m.seq} className="chat-line" data-testid="replay-line">
                <span className="replay-time muted">{formatDuration(m.offsetSeconds)}</span>
                <span className="who">{m.user.nickname}</span>
                <span className="text">{m.text}</span>
              </li>
            ))}
          </ol>
        )}
      </ChatLogBox>
    </section>
  );
}
