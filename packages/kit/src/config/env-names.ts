/** Spring's relaxed binding: `kafka.brokers` and `gateway.discovery-locator.enabled` are read from
 * `KAFKA_BROKERS` and `GATEWAY_DISCOVERYLOCATOR_ENABLED` or `GATEWAY_DISCOVERY_LOCATOR_ENABLED`. */
export function envNamesFor(key: string): string[] {
  const upper = key.toUpperCase();
  const names = new Set([upper.replace(/[.-]/g, '_'), upper.replaceAll('.', '_').replaceAll('-', '')]);
  return [...names];
}
