import type { DiscoveryClient } from './discovery-client.ts';
import { EurekaDiscovery } from './eureka-discovery.ts';
import type { DiscoveryLogger } from './eureka-options.ts';
import { KubernetesDiscovery, podNamespace } from './kubernetes-discovery.ts';
import { parseStaticInstances, StaticDiscovery } from './static-discovery.ts';

export interface DiscoverySettings {
  mode: 'static' | 'eureka' | 'kubernetes';
  staticInstances: string;
  /** One discovery URL or a comma-separated list, tried in order. */
  eurekaUrl: string;
  kubernetes?: { namespace?: string; clusterDomain?: string; port?: number; portName?: string };
  logger?: DiscoveryLogger;
}

export function createDiscovery(settings: DiscoverySettings): DiscoveryClient {
  switch (settings.mode) {
    case 'static':
      return new StaticDiscovery(parseStaticInstances(settings.staticInstances));
    case 'eureka':
      return new EurekaDiscovery({ urls: settings.eurekaUrl, ...(settings.logger ? { logger: settings.logger } : {}) });
    case 'kubernetes': {
      const k8s = settings.kubernetes ?? {};
      const namespace = k8s.namespace ?? podNamespace();
      return new KubernetesDiscovery({ ...k8s, ...(namespace ? { namespace } : {}) });
    }
    default:
      throw new Error(`discovery.mode "${settings.mode as string}" is not available in this build`);
  }
}
