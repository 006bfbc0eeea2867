// Recommended Cache-Control per LL-HLS resource. A CDN may hold blocking-reload responses because
// their URL names the position they waited for (the answer only ever grows); a playlist without
// directives changes every part, and a 404/503 for a future part must never be cached.

export type CacheableResource =
  | { kind: 'master'; ended?: boolean }
  | { kind: 'playlist'; blocking: boolean; ended: boolean; targetDuration: number; partTarget?: number }
  | { kind: 'init' | 'segment' | 'part'; sessionUnique?: boolean }
  | { kind: 'error' };

export function cacheControl(resource: CacheableResource): string {
  switch (resource.kind) {
    case 'master':
      return resource.ended ? 'public, max-age=60' : 'public, max-age=2';
    case 'playlist': {
      if (resource.ended) return 'public, max-age=60';
      if (resource.blocking) {
        // Apple suggests caching a blocking response for a multiple of the target duration.
        return `public, max-age=${Math.max(1, 6 * resource.targetDuration)}`;
      }
      // The non-blocking playlist changes every part; half a part target rounds down to 0 s.
      const maxAge = Math.floor((resource.partTarget ?? resource.targetDuration) / 2);
      return maxAge > 0 ? `public, max-age=${maxAge}` : 'no-cache';
    }
    case 'init':
    case 'segment':
    case 'part':
      // URIs are only unique per live session when the HTTP path carries a session id; without it
      // a restarted stream reuses seg-0.m4s, so keep the lifetime short.
      return resource.sessionUnique ? 'public, max-age=31536000, immutable' : 'public, max-age=60';
    case 'error':
      return 'no-store';
  }
}
