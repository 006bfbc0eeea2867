import { internalRoutes, type ServiceApp } from '@phzzk/kit';

/** What this instance transcodes: sessions, ffmpeg pids, restarts, numbering, part latency (operators, tests). */
export function streamInternalRoutes(app: ServiceApp, list: () => unknown[]): void {
  internalRoutes(app, (scope) => {
    scope.get('/streams', async () => ({ streams: list() }));
  });
}
