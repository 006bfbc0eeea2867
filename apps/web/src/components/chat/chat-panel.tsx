'use client';
import type { ChatChannelEvent, ChatErrorCode, ChatUser } from '@phzzk/contracts';
import { useVirtualizer } from '@tanstack/react-virtual';
import Link from 'next/link';
import { type FormEvent, useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { apiClient } from '../../api/client.ts';
import { ChatConnection, type ChatProtocol, type ChatStatus } from '../../chat/chat-connection.ts';
import { applyEvents, applyWelcome, type ChatLine, type ChatLog, emptyChatLog } from '../../chat/chat-log.ts';
import { useI18n } from '../../i18n/client.tsx';
import type { MessageKey } from '../../i18n/translate.ts';
import { ChatLogBox } from './chat-log-box.tsx';

/** Within this many pixels of the bottom the reader is "at the bottom": new lines scroll in. */
const BOTTOM_SLACK_PX = 40;
const TIMEOUT_SECONDS = 600;
/** What a moderator may do to a line, in the order of its buttons (a deleted line has no delete). */
const MODERATION = ['delete', 'timeout', 'ban'] as const;

interface ChatPanelProps {
  channelId: string;
  protocol: ChatProtocol;
  signedIn: boolean;
  /** The chat message limit (CHAT_MESSAGE_MAX_CODE_POINTS). */
  maxLength: number;
}

interface ShownError {
  code: ChatErrorCode | 'NOT_CONNECTED' | 'MODERATION_FAILED';
  until?: number;
}

const ERROR_KEYS: Record<ShownError['code'], MessageKey> = {
  UNAUTHENTICATED: 'chat.error.UNAUTHENTICATED',
  BANNED: 'chat.error.BANNED',
  TIMED_OUT: 'chat.error.TIMED_OUT',
  SLOW_MODE: 'chat.error.SLOW_MODE',
  FOLLOWERS_ONLY: 'chat.error.FOLLOWERS_ONLY',
  EMOTE_ONLY: 'chat.error.EMOTE_ONLY',
  RATE_LIMITED: 'chat.error.RATE_LIMITED',
  MESSAGE_TOO_LONG: 'chat.error.MESSAGE_TOO_LONG',
  EMPTY_MESSAGE: 'chat.error.EMPTY_MESSAGE',
  BLOCKED_TERM: 'chat.error.BLOCKED_TERM',
  MALFORMED_FRAME: 'chat.error.MALFORMED_FRAME',
  UNAVAILABLE: 'chat.error.UNAVAILABLE',
  NOT_CONNECTED: 'chat.error.NOT_CONNECTED',
  MODERATION_FAILED: 'chat.error.MODERATION_FAILED',
};

/** What a moderation event aimed at the reader means for their input (null: nothing in the way). */
function moderationError(event: Extract<ChatChannelEvent, { type: 'moderation' }>): ShownError | null {
  if (event.action === 'unban') return null;
  if (event.action === 'timeout' && event.until) return { code: 'TIMED_OUT', until: Date.parse(event.until) };
  return { code: 'BANNED' };
}

function wsUrl(channelId: string): string {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.host}/ws/chat/${encodeURIComponent(channelId)}`;
}

async function chatToken(): Promise<string | undefined> {
  const response = await fetch('/session/token', { cache: 'no-store' });
  if (!response.ok) return undefined;
  return ((await response.json()) as { accessToken?: string }).accessToken;
}

/** Live chat beside the player (`phzzk.chat.v1`): virtualized, text only, resumable. */
export function ChatPanel({ channelId, protocol, signedIn, maxLength }: ChatPanelProps) {
  const { t } = useI18n();
  const [log, setLog] = useState<ChatLog>(emptyChatLog);
  const logRef = useRef(log);
  logRef.current = log;
  const [status, setStatus] = useState<ChatStatus>('connecting');
  const [me, setMe] = useState<ChatUser | null>(null);
  const meRef = useRef(me);
  meRef.current = me;
  const [draft, setDraft] = useState('');
  const [error, setError] = useState<ShownError | null>(null);
  const [now, setNow] = useState(() => Date.now());
  const [atBottom, setAtBottom] = useState(true);
  const [unseen, setUnseen] = useState(0);
  const connection = useRef<ChatConnection | null>(null);
  const scroller = useRef<HTMLDivElement>(null);
  const pending = useRef(new Map<string, string>());

  useEffect(() => {
    const chat = new ChatConnection({
      url: wsUrl(channelId),
      protocol,
      token: signedIn ? chatToken : async () => undefined,
      lastSeq: () => logRef.current.lastSeq,
      on: {
        welcome: (frame, resumed) => {
          setMe(frame.user);
          setLog((current) => applyWelcome(current, frame, resumed));
        },
        events: (events) => {
          setLog((current) => applyEvents(current, events));
          // A ban or timeout of this reader shows in place at once, before they try to send.
          const mine = events.filter((e) => e.type === 'moderation' && e.userId === meRef.current?.id);
          const last = mine.at(-1);
          if (last?.type === 'moderation') setError(moderationError(last));
        },
        ack: (nonce) => {
          pending.current.delete(nonce);
          setError(null);
        },
        error: (frame) => {
          if (frame.nonce) {
            const text = pending.current.get(frame.nonce);
            pending.current.delete(frame.nonce);
            // Give the text back so that nothing typed is lost.
            if (text !== undefined) setDraft((d) => d || text);
          }
          setError({
            code: frame.code as ChatErrorCode,
            ...(frame.retryAfterMs !== undefined ? { until: Date.now() + frame.retryAfterMs } : {}),
          });
        },
        status: setStatus,
      },
    });
    connection.current = chat;
    chat.start();
    return () => chat.close();
  }, [channelId, protocol, signedIn]);

  // The countdown of a slow-mode or timeout error, and its end.
  useEffect(() => {
    if (!error?.until) return;
    const timer = setInterval(() => {
      setNow(Date.now());
      if (Date.now() >= (error.until ?? 0)) setError(null);
    }, 250);
    return () => clearInterval(timer);
  }, [error]);

  const virtualizer = useVirtualizer({
    count: log.lines.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => 26,
    overscan: 12,
  });

  // New lines: follow them when at the bottom, otherwise count them for the button (by seq: the
  // list keeps a fixed number of lines, so its length stops growing).
  const newestSeq = useRef(0);
  useLayoutEffect(() => {
    const added = log.lines.filter((l) => l.seq > newestSeq.current).length;
    newestSeq.current = log.lines.at(-1)?.seq ?? 0;
    if (log.lines.length === 0) return;
    if (atBottom) virtualizer.scrollToIndex(log.lines.length - 1, { align: 'end' });
    else if (added > 0) setUnseen((n) => n + added);
  }, [log, atBottom, virtualizer]);

  const onScroll = useCallback(() => {
    const el = scroller.current;
    if (!el) return;
    const bottom = el.scrollHeight - el.scrollTop - el.clientHeight <= BOTTOM_SLACK_PX;
    setAtBottom(bottom);
    if (bottom) setUnseen(0);
  }, []);

  const jumpToNewest = () => {
    setAtBottom(true);
    setUnseen(0);
    virtualizer.scrollToIndex(log.lines.length - 1, { align: 'end' });
  };

  const send = (event: FormEvent) => {
    event.preventDefault();
    const text = draft.trim();
    if (!text) return;
    if (error?.until && error.until > Date.now()) return;
    const nonce = crypto.randomUUID();
    if (!connection.current?.send(text, nonce)) {
      setError({ code: 'NOT_CONNECTED' });
      return;
    }
    pending.current.set(nonce, draft);
    setDraft('');
    setAtBottom(true);
  };

  const moderate = async (action: (typeof MODERATION)[number], line: ChatLine) => {
    const api = apiClient('/bff');
    const params = { path: { channelId, userId: line.user.id } };
    const result =
      action === 'delete'
        ? await api.DELETE('/api/chat/{channelId}/messages/{messageId}', {
            params: { path: { channelId, messageId: line.messageId } },
          })
        : await api.PUT('/api/chat/{channelId}/bans/{userId}', {
            params,
            body: action === 'timeout' ? { durationSeconds: TIMEOUT_SECONDS } : {},
          });
    if (!result.response.ok) setError({ code: 'MODERATION_FAILED' });
  };

  // Timeout and ban stay on a user's deleted lines (a timeout deletes them all, and a ban may follow).
  const canModerate = (line: ChatLine) =>
    !!me &&
    line.user.id !== me.id &&
    (me.role === 'owner' ? line.user.role !== 'owner' : me.role === 'moderator' && line.user.role === 'viewer');

  // `now` ticks only while a countdown runs: a new error counts from the present, not the last tick.
  const remaining = error?.until ? Math.max(0, Math.ceil((error.until - Math.max(now, Date.now())) / 1000)) : 0;
  const statusText =
    status === 'open' ? t('chat.connected') : status === 'reconnecting' ? t('chat.reconnecting') : t('chat.connecting');
  return (
    <section className="chat" aria-label={t('chat.title')}>
      <div className="chat-header">
        <h2 style={{ margin: 0, fontSize: 16 }}>{t('chat.title')}</h2>
        <span className="chat-status" data-testid="chat-status" data-status={status}>
          {statusText}
        </span>
      </div>
      <ChatLogBox ref={scroller} label={t('chat.logLabel')} onScroll={onScroll}>
        {log.lines.length === 0 && (
          <p className="muted" style={{ padding: '8px 12px' }}>
            {t('chat.empty')}
          </p>
        )}
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((item) => {
            const line = log.lines[item.index];
            if (!line) return null;
            return (
              <div
                key={line.messageId}
                data-index={item.index}
                ref={virtualizer.measureElement}
                className="chat-line"
                data-testid="chat-line"
                style={{ position: 'absolute', top: 0, left: 0, right: 0, transform: `translateY(${item.start}px)` }}
              >
                <span className={`who ${line.user.role}`}>{line.user.nickname}</span>
                {line.deleted ? (
                  <span className="text deleted">{t('chat.deleted')}</span>
                ) : (
                  <span className="text">{line.text}</span>
                )}
                {canModerate(line) && (
                  <span className="mod">
                    {MODERATION.filter((action) => action !== 'delete' || !line.deleted).map((action) => (
                      <button
                        key={action}
                        type="button"
                        onClick={() => moderate(action, line)}
                        aria-label={t(`chat.mod.${action}`, { nickname: line.user.nickname })}
                      >
                        {t(`chat.mod.${action}Short`)}
                      </button>
                    ))}
                  </span>
                )}
              </div>
            );
          })}
        </div>
      </ChatLogBox>
      {!atBottom && unseen > 0 && (
        <button type="button" className="new-messages" onClick={jumpToNewest}>
          {t('chat.newMessages', { count: unseen })}
        </button>
      )}
      <form className="chat-form" onSubmit={send}>
        {signedIn ? (
          <div className="row">
            <input
              className="input"
              value={draft}
              onChange={(e) => setDraft(e.target.value)}
              aria-label={t('chat.inputLabel')}
              placeholder={t('chat.placeholder')}
              maxLength={maxLength * 2}
              autoComplete="off"
            />
            <button type="submit" className="btn btn-primary" disabled={remaining > 0}>
              {t('chat.send')}
            </button>
          </div>
        ) : (
          <p className="muted" style={{ margin: 0 }}>
            <Link href={`/login?returnTo=/live/${channelId}`} prefetch={false}>
              {t('chat.signInToChat')}
            </Link>
          </p>
        )}
        <p className="chat-error" role="alert" data-testid="chat-error">
          {error ? t(ERROR_KEYS[error.code], { seconds: remaining }) : ''}
        </p>
      </form>
    </section>
  );
}
