// ws's own parser reads the frames chat builds once per node (as every client will).
import type { EventEmitter } from 'node:events';
import * as ws from 'ws';
import { describe, expect, it } from 'vitest';
import { textFrame } from '../src/domain/websocket-frame.ts';

// ws's frame parser, which its types do not declare.
type Receiver = EventEmitter & { write(chunk: Buffer): void };
const { Receiver } = ws as unknown as {
  Receiver: new (options: { isServer: boolean; maxPayload: number }) => Receiver;
};

/** What ws's own client-side parser reads from the bytes. */
function parse(bytes: Buffer): { text: string; binary: boolean }[] {
  const out: { text: string; binary: boolean }[] = [];
  const receiver = new Receiver({ isServer: false, maxPayload: 0 });
  receiver.on('message', (data: Buffer, binary: boolean) => out.push({ text: data.toString(), binary }));
  receiver.on('error', (error: Error) => {
    throw error;
  });
  receiver.write(bytes);
  return out;
}

describe('server WebSocket text frames built once', () => {
  it('frames payloads of every length class (7-bit, 16-bit, 64-bit) as ws reads them', () => {
    for (const length of [0, 1, 125, 126, 127, 65_535, 65_536, 70_000]) {
      const text = 'é'.repeat(Math.floor(length / 2)) + 'x'.repeat(length % 2);
      const frame = textFrame(Buffer.from(text));
      expect(frame[0]).toBe(0x81);
      expect(frame[1]! & 0x80).toBe(0); // never masked
      expect(parse(frame)).toEqual([{ text, binary: false }]);
    }
  });

  it('concatenated frames are read as consecutive messages', () => {
    const bytes = Buffer.concat(['{"seq":1}', '{"seq":2}', 'x'.repeat(300)].map((t) => textFrame(Buffer.from(t))));
    expect(parse(bytes).map((m) => m.text)).toEqual(['{"seq":1}', '{"seq":2}', 'x'.repeat(300)]);
  });
});
