import type { WireFormat } from './instance-codec.ts';

/**
 * Picks JSON or XML from an Accept header. Eureka (Jersey) answers XML unless JSON is asked
 * for, so `*\/*` and a missing header mean XML, as curl users of Eureka expect.
 */
export function responseFormat(accept: string | undefined): WireFormat {
  if (!accept) return 'xml';
  const ranges = accept
    .split(',')
    .map((part, index) => {
      const [type = '', ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { type: type.trim(), q: q ? Number(q.slice(2)) || 0 : 1, index };
    })
    .filter((r) => r.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { type } of ranges) {
    if (type.endsWith('/json') || type.endsWith('+json')) return 'json';
    if (type.endsWith('/xml') || type.endsWith('+xml') || type === '*/*' || type === 'application/*') return 'xml';
  }
  return 'xml';
}

export const XML_CONTENT_TYPES = ['application/xml', 'text/xml'];
