import type { ServiceApp } from '@phzzk/kit';
import { SECURITY_HEADERS } from '../domain/cors.ts';

/** The proxy's baseline headers on the gateway's own answers too (/health, problems); set values win. */
export function installSecurityHeaders(app: ServiceApp): void {
  app.addHook('onSend', async (_request, reply, payload) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) if (!reply.hasHeader(name)) reply.header(name, value);
    return payload;
  });
}
