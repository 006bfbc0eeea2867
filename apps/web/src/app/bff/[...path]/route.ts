import { cookies } from 'next/headers';
import { gatewayUrl } from '../../../server/gateway.ts';
import { problem, refuseCrossSite } from '../../../server/route-helpers.ts';
import { ACCESS_COOKIE } from '../../../server/session-cookies.ts';
import { forwardedFor } from '../../../server/tokens.ts';

/**
 * The browser's door to the API for signed-in actions (follow, studio, moderation): the same
 * paths as the gateway's under /bff, with the access token from the httpOnly cookie added here.
 * State-changing methods must come from this site (Origin check). The proxy has already
 * refreshed a token about to expire.
 */
async function forward(request: Request, { params }: { params: Promise<{ path: string[] }> }) {
  const { path } = await params;
  if (path[0] !== 'api' || path.some((s) => s === '..' || s === '.' || s.includes('/'))) {
    return problem(404, 'ROUTE_NOT_FOUND', 'no such API route');
  }
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    const refused = refuseCrossSite(request);
    if (refused) return refused;
  }
  const accessToken = (await cookies()).get(ACCESS_COOKIE)?.value;
  const search = new URL(request.url).search;
  const headers: Record<string, string> = { accept: 'application/json', ...forwardedFor(request.headers) };
  if (accessToken) headers.authorization = `Bearer ${accessToken}`;
  const contentType = request.headers.get('content-type');
  if (contentType) headers['content-type'] = contentType;
  const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : await request.arrayBuffer();
  const upstream = await fetch(`${gatewayUrl()}/${path.map(encodeURIComponent).join('/')}${search}`, {
    method: request.method,
    headers,
    ...(body && body.byteLength > 0 ? { body } : {}),
    signal: AbortSignal.timeout(15_000),
  }).catch(() => undefined);
  if (!upstream) return problem(502, 'UPSTREAM_UNAVAILABLE', 'the platform did not answer');
  const out = new Headers({ 'cache-control': 'no-store' });
  const type = upstream.headers.get('content-type');
  if (type) out.set('content-type', type);
  return new Response(upstream.status === 204 ? null : upstream.body, { status: upstream.status, headers: out });
}

export { forward as DELETE, forward as GET, forward as PATCH, forward as POST, forward as PUT };
