import { createHash, timingSafeEqual } from 'node:crypto';

/** Who made a request: the user name of a configured credential, and whether it is the platform's. */
export interface DiscoveryCaller {
  name: string;
  /** The platform credential: shared by PHZZK services and discovery peers; only it may replicate. */
  platform: boolean;
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/**
 * The credentials discovery accepts (HTTP Basic, as Spring Cloud secures Eureka): the platform
 * credential, and further client credentials (`name:password,...`) for other Eureka clients.
 * Passwords are compared as SHA-256 digests in constant time.
 */
export class DiscoveryCredentials {
  private readonly users = new Map<string, { digest: Buffer; platform: boolean }>();

  constructor(platform: { username: string; password: string } | undefined, clients: string) {
    if (platform) this.users.set(platform.username, { digest: digest(platform.password), platform: true });
    for (const entry of clients
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)) {
      const colon = entry.indexOf(':');
      if (colon <= 0 || colon === entry.length - 1)
        throw new Error('discovery.security.clients: give name:password,...');
      const name = entry.slice(0, colon);
      if (this.users.has(name)) throw new Error(`discovery.security.clients: "${name}" is given twice`);
      this.users.set(name, { digest: digest(entry.slice(colon + 1)), platform: false });
    }
  }

  get size(): number {
    return this.users.size;
  }

  /** The caller of an `Authorization` header, or undefined when it is missing or wrong. */
  verify(header: string | undefined): DiscoveryCaller | undefined {
    if (!header) return undefined;
    const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
    if (!match) return undefined;
    const decoded = Buffer.from(match[1] as string, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) return undefined;
    const name = decoded.slice(0, colon);
    const given = digest(decoded.slice(colon + 1));
    const user = this.users.get(name);
    // Compare against something even for an unknown name, so timing does not tell names apart.
    const ok = timingSafeEqual(given, user?.digest ?? digest('\0unknown'));
    return ok && user ? { name, platform: user.platform } : undefined;
  }
}
