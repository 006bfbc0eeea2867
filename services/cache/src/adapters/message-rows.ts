import type { ChatMessageView } from '@phzzk/contracts';

export const MESSAGE_COLUMNS = 'seq, message_id, user_id, nickname, role, text, sent_at';

export interface MessageRow {
  seq: string;
  message_id: string;
  user_id: string;
  nickname: string;
  role: 'owner' | 'moderator' | 'viewer';
  text: string;
  sent_at: Date;
}

/** A stored message as history serves it (the same JSON the cache keeps). */
export const messageView = (r: MessageRow): ChatMessageView => ({
  seq: Number(r.seq),
  messageId: r.message_id,
  user: { id: r.user_id, nickname: r.nickname, role: r.role },
  text: r.text,
  sentAt: r.sent_at.toISOString(),
});
