import { describe, expect, it } from 'vitest';
import { otherPeers, parsePeers } from '../src/service.ts';
import { startDiscovery } from './helpers.ts';

describe('discovery service configuration', () => {
  it('reads the peer list and names a bad entry', () => {
    expect(parsePeers(' http://127.0.0.1:8762/eureka/ , http://10.0.0.2:8761/eureka')).toEqual([
      'http://127.0.0.1:8762/eureka',
      'http://10.0.0.2:8761/eureka',
    ]);
    expect(parsePeers('')).toEqual([]);
    expect(() => parsePeers('not a url')).toThrow(/discovery\.peers.*DISCOVERY_PEERS/);
    expect(() => parsePeers('ftp://x/eureka')).toThrow(/http/);
  });

  it('leaves itself out of a shared peer list', () => {
    const peers = [
      'http://127.0.0.1:8761/eureka',
      'http://localhost:8761/eureka',
      'http://127.0.0.1:8762/eureka',
      'http://10.0.0.5:8761/eureka',
    ];
    expect(otherPeers(peers, { host: '127.0.0.1', port: 8761 })).toEqual([
      'http://127.0.0.1:8762/eureka',
      'http://10.0.0.5:8761/eureka',
    ]);
    expect(otherPeers(peers, { host: '10.0.0.5', port: 8761 })).toEqual(['http://127.0.0.1:8762/eureka']);
    expect(otherPeers(peers, { host: '127.0.0.1', port: 0 })).toEqual(peers);
  });

  it('refuses to register itself with a discovery service', async () => {
    await expect(
      startDiscovery({ DISCOVERY_MODE: 'eureka', DISCOVERY_EUREKA_URL: 'http://127.0.0.1:9/eureka' }),
    ).rejects.toThrow(/discovery\.mode must be static/);
  });
});
