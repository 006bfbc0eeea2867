// What EurekaDiscovery is configured with.

export interface DiscoveryLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface EurekaDiscoveryOptions {
  /** Discovery base URLs ending in `/eureka`: an array or a comma-separated list (failover order). */
  urls: string | readonly string[];
  /** How often this instance renews its lease (PHZZK: 1 s). */
  renewalIntervalMs?: number;
  /** The lease duration asked for: missing renewals for this long gets the instance evicted (PHZZK: 3 s). */
  leaseDurationSecs?: number;
  /** Poll interval of `/apps/delta` when the server has no watch endpoint (a plain Eureka server). */
  pollIntervalMs?: number;
  /** Timeout of one register, renew, cancel or fetch. */
  requestTimeoutMs?: number;
  /** A watch stream silent for this long is dead (the server sends a heartbeat every ~2 s). */
  staleAfterMs?: number;
  /** Use the push watch (default); false polls `/apps/delta` like a classic Eureka client. */
  watch?: boolean;
  logger?: DiscoveryLogger;
}

/** The logger used when none is given. */
export const silentDiscoveryLogger: DiscoveryLogger = { debug() {}, info() {}, warn() {} };

export const parseEurekaUrls = (urls: string | readonly string[]): string[] =>
  (typeof urls === 'string' ? urls.split(',') : [...urls]).map((u) => u.trim().replace(/\/+$/, '')).filter(Boolean);
