import type { ChatChannelEvent } from '@phzzk/contracts';
import { describe, expect, it } from 'vitest';
import { applyEvents, applyWelcome, emptyChatLog } from './chat-log.ts';

const user = { id: '0190c2d6-0000-7000-8000-000000000001', nickname: 'kim', role: 'viewer' as const };
const message = (seq: number, text = `m${seq}`): ChatChannelEvent => ({
  type: 'message',
  seq,
  messageId: `0190c2d6-0000-7000-8000-${String(seq).padStart(12, '0')}`,
  user,
  text,
  sentAt: '2026-12-07T00:00:00.000Z',
});

describe('chat log', () => {
  it('applies each seq once, so a repeated event after a resume shows no duplicate', () => {
    let log = applyEvents(emptyChatLog(), [message(1), message(2)]);
    log = applyEvents(log, [message(2), message(3)]);
    expect(log.lines.map((l) => l.seq)).toEqual([1, 2, 3]);
    expect(log.lastSeq).toBe(3);
  });

  it('keeps at most the limit, dropping the oldest', () => {
    const events = Array.from({ length: 350 }, (_, i) => message(i + 1));
    const log = applyEvents(emptyChatLog(), events, 300);
    expect(log.lines).toHaveLength(300);
    expect(log.lines[0]?.seq).toBe(51);
  });

  it('deletes, clears and hides the messages of a banned user', () => {
    let log = applyEvents(emptyChatLog(), [message(1), message(2)]);
    log = applyEvents(log, [{ type: 'deleted', seq: 3, messageId: log.lines[0]!.messageId }]);
    expect(log.lines[0]).toMatchObject({ deleted: true, text: '' });
    log = applyEvents(log, [{ type: 'moderation', seq: 4, action: 'ban', userId: user.id }]);
    expect(log.lines.every((l) => l.deleted)).toBe(true);
    log = applyEvents(log, [message(5), { type: 'cleared', seq: 6 }]);
    expect(log.lines).toEqual([]);
    expect(log.lastSeq).toBe(6);
  });

  it('starts over on a reset welcome and continues on a resume', () => {
    const log = applyEvents(emptyChatLog(), [message(1), message(2)]);
    const resumed = applyWelcome(log, { seq: 4, history: [message(3), message(4)] }, true);
    expect(resumed.lines.map((l) => l.seq)).toEqual([1, 2, 3, 4]);
    const reset = applyWelcome(log, { seq: 90, history: [message(89), message(90)], reset: true }, true);
    expect(reset.lines.map((l) => l.seq)).toEqual([89, 90]);
    const fresh = applyWelcome(log, { seq: 0, history: [] }, false);
    expect(fresh).toEqual({ lines: [], lastSeq: 0 });
  });

  it('keeps markup as text (the panel renders text nodes only)', () => {
    const log = applyEvents(emptyChatLog(), [message(1, '<img src=x onerror=alert(1)><script>x</script>')]);
    expect(log.lines[0]?.text).toBe('<img src=x onerror=alert(1)><script>x</script>');
  });
});
