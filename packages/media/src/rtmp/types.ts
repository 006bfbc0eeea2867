import type { Amf0Object } from '../flv/amf-value.ts';

/** Structured logger, pino-compatible: (fields, message). Injected; the library never prints. */
export type RtmpLogger = {
  debug(obj: Record<string, unknown>, msg?: string): void;
  info(obj: Record<string, unknown>, msg?: string): void;
  warn(obj: Record<string, unknown>, msg?: string): void;
  error(obj: Record<string, unknown>, msg?: string): void;
};

export const silentLogger: RtmpLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** What a publisher asks for; handed to `authorize` before any media is accepted. */
export type PublishRequest = {
  /** Application from connect's command object, without query or trailing slash ("live"). */
  app: string;
  /** The publish name with any "?query" removed: the stream key. */
  streamKey: string;
  /** The publish name's query string without "?", or "". */
  query: string;
  /** publish type argument: "live" (usual), "record" or "append". */
  publishType: string;
  tcUrl: string;
  remoteAddress: string;
  remotePort: number;
  connectionId: string;
  /** connect's command object as sent (flashVer, fourCcList, ...). */
  connectParams: Amf0Object;
};

export type PublishRejection = { allow: false; code: 'BadName' | 'Rejected'; description: string };

export type AuthorizeResult<C> = { allow: true; context: C } | PublishRejection;

/**
 * Decides whether a publish may start. `signal` aborts if the connection goes away first; the
 * result is then ignored, so a service that reserved something for the request releases it then.
 */
export type Authorize<C> = (
  request: PublishRequest,
  options: { signal: AbortSignal },
) => Promise<AuthorizeResult<C>> | AuthorizeResult<C>;

export type EndReason = 'unpublish' | 'disconnect' | 'timeout' | 'kicked' | 'error' | 'shutdown';
