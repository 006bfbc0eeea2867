// The viewer heartbeat (`POST /api/stats/heartbeat`), every 15 s while the player plays: the
// caching service counts viewers from it. Anonymous; failures are ignored (stats are best effort).
export const HEARTBEAT_INTERVAL_MS = 15_000;

export interface HeartbeatSample {
  channelId: string;
  playerSessionId: string;
  rendition?: string;
  latencySeconds?: number;
}

export function sendHeartbeat(sample: HeartbeatSample, fetcher: typeof fetch = fetch): Promise<void> {
  return fetcher('/api/stats/heartbeat', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(sample),
    keepalive: true,
  }).then(
    () => undefined,
    () => undefined,
  );
}

/**
 * Calls `beat` every interval while `playing()` says so; the first beat comes as soon as playback
 * starts. Returns a stop function.
 */
export function startHeartbeat(
  beat: () => void,
  playing: () => boolean,
  intervalMs = HEARTBEAT_INTERVAL_MS,
  tickMs = 1000,
): () => void {
  let last = 0;
  const timer = setInterval(() => {
    if (!playing()) return;
    const now = Date.now();
    if (now - last >= intervalMs) {
      last = now;
      beat();
    }
  }, tickMs);
  return () => clearInterval(timer);
}
