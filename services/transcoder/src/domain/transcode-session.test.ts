import { describe, expect, it } from 'vitest';
import { parseSession, sourceAllowed } from './transcode-session.ts';

describe('sessions', () => {
  it('pulls sources only over http(s), and only from the allowed origins when configured', () => {
    expect(sourceAllowed('http://ingest-1:8081/live/a.flv', [])).toBe(true);
    expect(sourceAllowed('file:///etc/passwd', [])).toBe(false);
    expect(sourceAllowed('not a url', [])).toBe(false);
    expect(sourceAllowed('http://ingest-1:8081/live/a.flv', ['http://ingest-1:8081/'])).toBe(true);
    expect(sourceAllowed('http://evil:8081/live/a.flv', ['http://ingest-1:8081'])).toBe(false);
  });

  it('reads a session record, and nothing else', () => {
    const record = {
      sessionId: 's',
      channelId: 'c',
      sourceUrl: 'http://x/y.flv',
      video: null,
      audio: null,
      startedAt: '2025-01-01T00:00:00.000Z',
    };
    expect(parseSession(JSON.stringify(record))).toEqual(record);
    expect(parseSession('{"sessionId":1}')).toBeUndefined();
    expect(parseSession('{')).toBeUndefined();
  });
});
