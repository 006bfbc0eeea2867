import { afterEach, describe, expect, it, vi } from 'vitest';
import { HEARTBEAT_INTERVAL_MS, sendHeartbeat, startHeartbeat } from './heartbeat.ts';

afterEach(() => {
  vi.useRealTimers();
});

describe('viewer heartbeat', () => {
  it('beats at once when playback starts, then every 15 s, and not while paused', () => {
    vi.useFakeTimers();
    let playing = false;
    const beats: number[] = [];
    const stop = startHeartbeat(
      () => beats.push(Date.now()),
      () => playing,
    );
    vi.advanceTimersByTime(5000);
    expect(beats).toHaveLength(0);
    playing = true;
    vi.advanceTimersByTime(1000);
    expect(beats).toHaveLength(1);
    vi.advanceTimersByTime(HEARTBEAT_INTERVAL_MS);
    expect(beats).toHaveLength(2);
    playing = false;
    vi.advanceTimersByTime(HEARTBEAT_INTERVAL_MS * 3);
    expect(beats).toHaveLength(2);
    stop();
    playing = true;
    vi.advanceTimersByTime(HEARTBEAT_INTERVAL_MS * 2);
    expect(beats).toHaveLength(2);
  });

  it('posts the sample as JSON to /api/stats/heartbeat and swallows failures', async () => {
    const calls: { url: string; body: string }[] = [];
    const fetcher = (async (url: string, init: RequestInit) => {
      calls.push({ url, body: String(init.body) });
      throw new Error('offline');
    }) as unknown as typeof fetch;
    await sendHeartbeat({ channelId: 'c', playerSessionId: 'p', rendition: '720p', latencySeconds: 1.2 }, fetcher);
    expect(calls).toEqual([
      {
        url: '/api/stats/heartbeat',
        body: '{"channelId":"c","playerSessionId":"p","rendition":"720p","latencySeconds":1.2}',
      },
    ]);
  });
});
