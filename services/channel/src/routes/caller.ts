import type { IncomingHttpHeaders } from 'node:http';
import { unauthorized } from '@phzzk/kit';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The signed-in caller, from the header only the gateway sets after verifying an access token
 * (it drops any x-phzzk-* header a client sends). Undefined for an anonymous caller.
 */
export function optionalCallerId(request: { headers: IncomingHttpHeaders }): string | undefined {
  const raw = request.headers['x-phzzk-user-id'];
  return typeof raw === 'string' && UUID.test(raw) ? raw : undefined;
}

export function callerId(request: { headers: IncomingHttpHeaders }): string {
  const id = optionalCallerId(request);
  if (!id) throw unauthorized('AUTH_REQUIRED', 'This endpoint needs a signed-in user.');
  return id;
}
