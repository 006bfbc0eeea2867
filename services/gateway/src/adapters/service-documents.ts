import { type DiscoveryClient, instanceUrl, OPENAPI_PATH } from '@phzzk/kit';
import type { OpenApiDocument } from '../domain/openapi-merge.ts';
import type { ServiceDocuments } from '../domain/public-api-document.ts';

/** Each service's own OpenAPI document, from the first of its instances that answers. */
export function discoveredServiceDocuments(discovery: DiscoveryClient, timeoutMs = 2000): ServiceDocuments {
  return {
    async read(service) {
      for (const instance of discovery.instances(service)) {
        try {
          const response = await fetch(`${instanceUrl(instance)}${OPENAPI_PATH}`, {
            signal: AbortSignal.timeout(timeoutMs),
          });
          if (!response.ok) continue;
          const doc = (await response.json()) as OpenApiDocument;
          if (typeof doc?.openapi === 'string' && doc.openapi.startsWith('3.')) return doc;
        } catch {
          // the next instance, if any
        }
      }
      return undefined;
    },
  };
}
