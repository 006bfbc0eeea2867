import { describe, expect, it } from 'vitest';
import { frameOf, type LoggedEvent, planResume, recentHistory, SeqOrder } from './sequencing.ts';

const ev = (seq: number, kind: LoggedEvent['kind'] = 'message'): LoggedEvent => ({ seq, kind, frame: `${seq}` });

describe('sequencing', () => {
  it('puts events back in order, drops duplicates and reports gaps', () => {
    const order = new SeqOrder<number>(0);
    expect(order.offer(1, 1)).toEqual([1]);
    expect(order.offer(1, 1)).toEqual([]);
    expect(order.offer(3, 3)).toEqual([]);
    expect(order.missing()).toEqual({ from: 2, to: 2 });
    expect(order.offer(2, 2)).toEqual([2, 3]);
    expect(order.missing()).toBeUndefined();
    expect(order.offer(6, 6)).toEqual([]);
    expect(order.skipTo(5)).toEqual([6]);
    expect(order.lastSeq).toBe(6);
  });

  it('welcome history: up to N messages, other events between them, not beyond the last clear', () => {
    const events = [ev(1), ev(2), ev(3, 'deleted'), ev(4), ev(5, 'settings'), ev(6)];
    expect(recentHistory(events, 2).map((e) => e.seq)).toEqual([4, 5, 6]);
    expect(recentHistory(events, 50).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    const cleared = [ev(1), ev(2, 'cleared'), ev(3)];
    expect(recentHistory(cleared, 50).map((e) => e.seq)).toEqual([2, 3]);
    expect(recentHistory([], 50)).toEqual([]);
  });

  it('plans a resume from memory, from the log, or by starting over', () => {
    expect(planResume(undefined, 10, 5)).toEqual({ kind: 'recent' });
    expect(planResume(10, 10, 5)).toEqual({ kind: 'up-to-date' });
    expect(planResume(11, 10, 5)).toEqual({ kind: 'reset' });
    expect(planResume(4, 10, 5)).toEqual({ kind: 'memory', from: 5 });
    expect(planResume(2, 10, 5)).toEqual({ kind: 'log', from: 3 });
    expect(planResume(0, 10, undefined)).toEqual({ kind: 'log', from: 1 });
  });

  it('builds frames from stored bodies without re-encoding', () => {
    expect(JSON.parse(frameOf('cleared', 7, '{}'))).toEqual({ type: 'cleared', seq: 7 });
    expect(JSON.parse(frameOf('deleted', 8, '{"messageId":"x"}'))).toEqual({ type: 'deleted', seq: 8, messageId: 'x' });
  });
});
