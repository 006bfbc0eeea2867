/**
 * How long the gateway keeps an idle connection to a service. A service may announce its own idle
 * timeout (`Keep-Alive: timeout=N`, as Node's and Fastify's servers do); the connection is then kept
 * until a second before it, so that the gateway, not the service, closes it and no request races
 * the service's close. A service that announces nothing gets a short default.
 */
export interface KeepAlivePolicy {
  /** Idle time when the service announces no timeout. */
  defaultMs: number;
  /** The longest idle time, whatever the service announces. */
  maxMs: number;
}

/** Margin kept below a service's announced timeout. */
export const KEEP_ALIVE_MARGIN_MS = 1000;

const TIMEOUT_PARAMETER = /(?:^|,)\s*timeout\s*=\s*"?(\d{1,9})"?\s*(?:,|$)/i;

/** The `timeout` parameter of a Keep-Alive header value, in seconds; undefined when absent or malformed. */
export function announcedTimeoutS(value: string): number | undefined {
  const match = TIMEOUT_PARAMETER.exec(value);
  return match ? Number(match[1]) : undefined;
}

/** Milliseconds to keep the connection idle; 0: close it now. */
export function idleTimeoutMs(announcedS: number | undefined, policy: KeepAlivePolicy): number {
  if (announcedS === undefined) return policy.defaultMs;
  return Math.max(0, Math.min(policy.maxMs, announcedS * 1000 - KEEP_ALIVE_MARGIN_MS));
}
