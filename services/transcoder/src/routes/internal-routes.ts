import type { ServiceApp } from '@phzzk/kit';

/** What this instance transcodes: sessions, ffmpeg pids, restarts, numbering, part latency. */
export function internalRoutes(app: ServiceApp, list: () => unknown[]): void {
  app.get('/internal/streams', async () => ({ streams: list() }));
}
