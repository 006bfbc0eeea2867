import { CHAT_BEARER_SUBPROTOCOL_PREFIX } from '@phzzk/contracts';

/**
 * A browser cannot set Authorization on a WebSocket: it offers its access token as one more
 * subprotocol, `phzzk.bearer.{token}`. Returns that token (if offered) and the offered list
 * without it, which is what goes upstream (so the service selects its own protocol and never
 * sees the token there); `rest` is undefined when nothing else was offered.
 */
export function bearerSubprotocol(offered: string | undefined): {
  token: string | undefined;
  rest: string | undefined;
} {
  if (!offered?.includes(CHAT_BEARER_SUBPROTOCOL_PREFIX)) return { token: undefined, rest: offered };
  let token: string | undefined;
  const rest: string[] = [];
  for (const part of offered.split(',')) {
    const p = part.trim();
    if (p.startsWith(CHAT_BEARER_SUBPROTOCOL_PREFIX)) token ??= p.slice(CHAT_BEARER_SUBPROTOCOL_PREFIX.length);
    else if (p !== '') rest.push(p);
  }
  return { token, rest: rest.length > 0 ? rest.join(', ') : undefined };
}

/** The upstream path without an `access_token` query parameter: tokens never travel in URLs. */
export function withoutQueryToken(path: string): string {
  const q = path.indexOf('?');
  if (q === -1 || !path.includes('access_token', q)) return path;
  const params = new URLSearchParams(path.slice(q + 1));
  params.delete('access_token');
  const query = params.toString();
  return query ? `${path.slice(0, q)}?${query}` : path.slice(0, q);
}

/** WebSocket upgrades are accepted on `/ws/**` routes only. */
export function isWebSocketRoute(routePath: string): boolean {
  return routePath.startsWith('/ws/');
}
