/** CORS decisions (Fetch standard): media is embeddable anywhere, APIs only from configured origins. */
const PUBLIC_MEDIA = /^\/(hls|vod)\//;
const EXPOSED = 'x-request-id, retry-after, ratelimit-limit, ratelimit-remaining';

export function corsHeaders(
  path: string,
  origin: string | undefined,
  allowedOrigins: readonly string[],
): Record<string, string> | undefined {
  if (!origin) return undefined;
  if (PUBLIC_MEDIA.test(path)) return { 'access-control-allow-origin': '*', 'access-control-expose-headers': EXPOSED };
  if (!allowedOrigins.includes('*') && !allowedOrigins.includes(origin)) return undefined;
  return {
    'access-control-allow-origin': origin,
    'access-control-allow-credentials': 'true',
    'access-control-expose-headers': EXPOSED,
    vary: 'Origin',
  };
}

/** The answer to a preflight: which methods and headers the actual request may use. */
export function preflightHeaders(
  path: string,
  origin: string | undefined,
  requestedHeaders: string | undefined,
  allowedOrigins: readonly string[],
): Record<string, string> | undefined {
  const base = corsHeaders(path, origin, allowedOrigins);
  if (!base) return undefined;
  return {
    ...base,
    'access-control-allow-methods': PUBLIC_MEDIA.test(path)
      ? 'GET, HEAD, OPTIONS'
      : 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS',
    ...(requestedHeaders ? { 'access-control-allow-headers': requestedHeaders.slice(0, 1000) } : {}),
    'access-control-max-age': '600',
  };
}

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'strict-origin-when-cross-origin',
  'x-frame-options': 'SAMEORIGIN',
};
