import { NextResponse } from 'next/server';
import { sameOrigin } from './origin-check.ts';

/** A problem+json answer in the platform's shape, from the Next server itself. */
export function problem(status: number, code: string, title: string): NextResponse {
  return NextResponse.json(
    { type: 'about:blank', title, status, code },
    { status, headers: { 'content-type': 'application/problem+json', 'cache-control': 'no-store' } },
  );
}

/** Refuses a state-changing request from another site (CSRF); undefined when it may go on. */
export function refuseCrossSite(request: Request): NextResponse | undefined {
  return sameOrigin(request) ? undefined : problem(403, 'CROSS_SITE_REQUEST', 'cross-site request refused');
}

/** The JSON body of a request, or undefined when it is not a JSON object. */
export async function jsonBody(request: Request): Promise<Record<string, unknown> | undefined> {
  try {
    const value: unknown = await request.json();
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A state-changing JSON POST handler: a cross-site request (403) or a body that is not a JSON
 * object (400) is refused before `handle` sees it.
 */
export function jsonPost(
  handle: (request: Request, body: Record<string, unknown>) => Promise<Response>,
): (request: Request) => Promise<Response> {
  return async (request) => {
    const refused = refuseCrossSite(request);
    if (refused) return refused;
    const body = await jsonBody(request);
    if (!body) return problem(400, 'MALFORMED_BODY', 'expected a JSON object');
    return handle(request, body);
  };
}

export const str = (value: unknown): string => (typeof value === 'string' ? value : '');

/** Passes the API's answer (status and problem body) back to the browser, never a token. */
export async function relayProblem(response: Response, error: unknown): Promise<NextResponse> {
  const body = error && typeof error === 'object' ? error : { code: 'UPSTREAM_ERROR', status: response.status };
  return NextResponse.json(body, {
    status: response.status,
    headers: { 'content-type': 'application/problem+json', 'cache-control': 'no-store' },
  });
}
