import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

export class SourceUnavailable extends Error {
  readonly status: number | undefined;
  constructor(message: string, status?: number) {
    super(message);
    this.name = 'SourceUnavailable';
    this.status = status;
  }
}

export interface SourceOptions {
  signal: AbortSignal;
  /** Connecting, and later any silence this long, counts as a dropped source. */
  idleTimeoutMs: number;
  /** This service's signed credential for the ingest node's /internal route (ctx.trust.internalHeaders). */
  credential?: (method: string, path: string) => Record<string, string>;
}

/**
 * Opens the ingest node's HTTP-FLV stream (a late joiner: FLV header, sequence headers, then a key
 * frame). Resolves with the response body once it answers 200; rejects with SourceUnavailable.
 */
export function openFlvSource(url: string, options: SourceOptions): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return reject(new SourceUnavailable(`bad source URL ${url}`));
    }
    const request = parsed.protocol === 'https:' ? httpsRequest : httpRequest;
    const credential = options.credential?.('GET', `${parsed.pathname}${parsed.search}`) ?? {};
    const req = request(parsed, {
      method: 'GET',
      signal: options.signal,
      headers: { accept: 'video/x-flv', ...credential },
    });
    req.setTimeout(options.idleTimeoutMs, () => req.destroy(new SourceUnavailable('source idle')));
    req.on('error', (error) =>
      reject(error instanceof SourceUnavailable ? error : new SourceUnavailable(error.message)),
    );
    req.once('response', (response) => {
      if (response.statusCode !== 200) {
        response.resume();
        req.destroy();
        return reject(new SourceUnavailable(`source answered ${response.statusCode}`, response.statusCode));
      }
      resolve(response);
    });
    req.end();
  });
}
