import type { IncomingHttpHeaders } from 'node:http';
import { unauthorized } from '@phzzk/kit';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The caller's user id, from the header only the gateway sets after verifying an access token
 * (it strips any client-sent x-phzzk-* header). Nothing else identifies a caller.
 */
export function callerId(request: { headers: IncomingHttpHeaders }): string {
  const raw = request.headers['x-phzzk-user-id'];
  const id = Array.isArray(raw) ? undefined : raw;
  if (!id || !UUID.test(id)) throw unauthorized('AUTH_REQUIRED', 'This endpoint needs a signed-in user.');
  return id;
}
