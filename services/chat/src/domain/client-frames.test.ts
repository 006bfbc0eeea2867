import { SendFrame } from '@phzzk/contracts';
import { Value } from 'typebox/value';
import { describe, expect, it } from 'vitest';
import { parseClientFrame, WindowCounter } from './client-frames.ts';

const parse = (s: string) => parseClientFrame(Buffer.from(s), false, 4096);

describe('client frames', () => {
  it('accepts exactly the send and ping frames of phzzk.chat.v1', () => {
    const frame = { type: 'send', text: 'hi', nonce: 'n-1' };
    expect(Value.Check(SendFrame, frame)).toBe(true);
    expect(parse(JSON.stringify(frame))).toEqual({ kind: 'send', text: 'hi', nonce: 'n-1' });
    expect(parse('{"type":"ping"}')).toEqual({ kind: 'ping' });
  });

  it('calls everything else malformed, keeping the nonce when there is one', () => {
    for (const bad of [
      'nope',
      '[]',
      'null',
      '{"type":"ping","x":1}',
      '{"type":"send","text":"hi"}',
      `{"type":"send","text":"hi","nonce":"${'n'.repeat(65)}"}`,
      '{"type":"send","text":5,"nonce":"a"}',
      '{"type":"hello"}',
    ]) {
      expect(parse(bad).kind).toBe('malformed');
    }
    expect(parse('{"type":"send","text":"hi","nonce":"a","x":1}')).toMatchObject({ kind: 'malformed', nonce: 'a' });
    expect(parseClientFrame(Buffer.from('{"type":"ping"}'), true, 4096).kind).toBe('malformed');
    expect(parseClientFrame(Buffer.alloc(4097, 32), false, 4096).kind).toBe('malformed');
  });

  it('counts hits in a sliding window', () => {
    const counter = new WindowCounter(3, 1000);
    expect([counter.hit(0), counter.hit(10), counter.hit(20), counter.hit(30)]).toEqual([false, false, false, true]);
    // Two windows later, the old hits no longer count.
    expect(counter.hit(2500)).toBe(false);
  });
});
