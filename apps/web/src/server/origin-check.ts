// CSRF protection for every state-changing request the Next server takes: the browser's Origin
// (always sent on cross-origin and same-origin POSTs by current browsers) must be this site.
// Behind the gateway the site's host is the forwarded one.
export function sameOrigin(request: Request): boolean {
  const origin = request.headers.get('origin');
  if (!origin) return false;
  const host = request.headers.get('x-forwarded-host')?.split(',')[0]?.trim() ?? request.headers.get('host');
  try {
    return !!host && new URL(origin).host === host;
  } catch {
    return false;
  }
}
