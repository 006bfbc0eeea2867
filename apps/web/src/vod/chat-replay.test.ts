import { describe, expect, it } from 'vitest';
import { chatClockAt, type ReplayMessage, ReplayWindow } from './chat-replay.ts';

const message = (seq: number, offsetSeconds: number): ReplayMessage => ({
  seq,
  messageId: `m${seq}`,
  user: { id: 'u', nickname: 'nick' },
  text: `message ${seq}`,
  offsetSeconds,
});

describe('the chat replay window', () => {
  it('asks for one window from the start, then nothing while enough is loaded ahead', () => {
    const replay = new ReplayWindow({ windowSeconds: 60, aheadSeconds: 20, backfillSeconds: 30 });
    const first = replay.next(0, 600);
    expect(first).toMatchObject({ fromSeconds: 0, toSeconds: 60 });
    // In flight: no second request.
    expect(replay.next(1, 600)).toBeUndefined();
    replay.accept(first!, { items: [message(1, 5), message(2, 50)], nextFromSeconds: null });
    expect(replay.next(30, 600)).toBeUndefined();
    const second = replay.next(41, 600);
    expect(second).toMatchObject({ fromSeconds: 60, toSeconds: 120 });
  });

  it('shows only the messages sent up to the playback position, in order', () => {
    const replay = new ReplayWindow();
    const request = replay.next(0, 600)!;
    replay.accept(request, { items: [message(2, 20), message(1, 5), message(3, 40)], nextFromSeconds: null });
    expect(replay.visible(4).map((m) => m.seq)).toEqual([]);
    expect(replay.visible(5).map((m) => m.seq)).toEqual([1]);
    expect(replay.visible(30).map((m) => m.seq)).toEqual([1, 2]);
    expect(replay.visible(100).map((m) => m.seq)).toEqual([1, 2, 3]);
  });

  it('continues a window the answer cut short from nextFromSeconds, without repeating a message', () => {
    const replay = new ReplayWindow({ windowSeconds: 60 });
    const first = replay.next(0, 600)!;
    replay.accept(first, { items: [message(1, 1), message(2, 10)], nextFromSeconds: 10 });
    const second = replay.next(0, 600);
    expect(second).toMatchObject({ fromSeconds: 10, toSeconds: 70 });
    replay.accept(second!, { items: [message(2, 10), message(3, 11)], nextFromSeconds: null });
    expect(replay.visible(60).map((m) => m.seq)).toEqual([1, 2, 3]);
  });

  it('never asks past the edge (the recorded duration), and asks again when the edge grows', () => {
    const replay = new ReplayWindow({ windowSeconds: 60 });
    const first = replay.next(0, 15)!;
    expect(first).toMatchObject({ fromSeconds: 0, toSeconds: 15 });
    replay.accept(first, { items: [], nextFromSeconds: null });
    expect(replay.next(10, 15)).toBeUndefined();
    expect(replay.next(10, 25)).toMatchObject({ fromSeconds: 15, toSeconds: 25 });
  });

  it('starts again around a seek outside what is loaded, dropping answers of before the seek', () => {
    const replay = new ReplayWindow({ windowSeconds: 60, backfillSeconds: 30 });
    const first = replay.next(0, 3600)!;
    const seek = replay.next(1000, 3600);
    expect(seek).toMatchObject({ fromSeconds: 970, toSeconds: 1030 });
    // The answer of the first window arrives late: dropped.
    replay.accept(first, { items: [message(1, 3)], nextFromSeconds: null });
    expect(replay.visible(3600)).toEqual([]);
    replay.accept(seek!, { items: [message(9, 990)], nextFromSeconds: null });
    expect(replay.visible(1000).map((m) => m.seq)).toEqual([9]);
    // Seeking back before the span: a new start at 0.
    expect(replay.next(10, 3600)).toMatchObject({ fromSeconds: 0, toSeconds: 60 });
  });

  it('asks again after a failed request; ignores a nonsensical position', () => {
    const replay = new ReplayWindow();
    const first = replay.next(0, 600)!;
    replay.failed(first);
    expect(replay.next(0, 600)).toMatchObject({ fromSeconds: 0 });
    expect(new ReplayWindow().next(Number.NaN, 600)).toBeUndefined();
    expect(new ReplayWindow().next(-1, 600)).toBeUndefined();
  });

  it('keeps at most maxMessages visible', () => {
    const replay = new ReplayWindow({ maxMessages: 3 });
    const request = replay.next(0, 600)!;
    replay.accept(request, { items: [1, 2, 3, 4, 5].map((i) => message(i, i)), nextFromSeconds: null });
    expect(replay.visible(100).map((m) => m.seq)).toEqual([3, 4, 5]);
  });
});

describe("the chat's clock", () => {
  it("is the program date-time's distance from the session start when known, else the position", () => {
    const start = Date.parse('2026-12-07T03:00:00Z');
    expect(chatClockAt(10, start + 12_500, start)).toBe(12.5);
    expect(chatClockAt(10, null, start)).toBe(10);
    expect(chatClockAt(10, start - 5000, start)).toBe(0);
    expect(chatClockAt(-3, null, start)).toBe(0);
  });
});
