import type { DiscoveryNode } from '../domain/discovery-node.ts';
import type { PeerClient } from './peer-client.ts';

type Logger = { info: (obj: object, msg: string) => void; warn: (obj: object, msg: string) => void };

/**
 * A node that starts copies the registry of the first peer that answers, as replicas (so it is
 * not sent back). Instances keep renewing through their own node, whose heartbeats reach us by
 * replication; one we missed is registered again when its heartbeat finds us without it.
 */
export async function syncFromPeers(
  node: DiscoveryNode,
  peers: readonly PeerClient[],
  logger: Logger,
): Promise<{ peer?: string; instances: number }> {
  for (const peer of peers) {
    try {
      const instances = await peer.fetchInstances();
      for (const info of instances) node.register(info, true);
      logger.info({ peer: peer.baseUrl, instances: instances.length }, 'registry synced from peer');
      return { peer: peer.baseUrl, instances: instances.length };
    } catch (error) {
      logger.warn({ peer: peer.baseUrl, err: error }, 'peer not reachable for the initial sync');
    }
  }
  return { instances: 0 };
}
