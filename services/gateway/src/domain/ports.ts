import type { AccessClaims } from './access-claims.ts';
import type { RequestHead } from './http1-request-head.ts';

// What the request path (routes/) needs of the gateway's adapters; service.ts wires the concrete ones.

/** A request head as the fast lane read it off the socket. */
export type FastRequest = Extract<RequestHead, { kind: 'request' }>;

/** Verifies access tokens (the JWKS-backed verifier). */
export interface TokenVerifier {
  /** The claims of a token verified before and not expired yet; answers without a promise. */
  cached(token: string): AccessClaims | undefined;
  /** Verifies a token; rejects with `TokenRejected` when it is not acceptable. */
  verify(token: string): Promise<AccessClaims>;
}

/** Sessions ended before their tokens expire. */
export interface RevocationSet {
  has(sid: string): boolean;
}

export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  resetMs: number;
}

/** A fixed-window request limit shared by every gateway instance. */
export interface RateLimitCounter {
  hit(key: string, limit: number, windowMs: number): Promise<RateLimitDecision>;
}

/** Which instance holds an entity (a live channel's transcoder), cached briefly. */
export interface HolderLookup {
  holderOf(keyPrefix: string, id: string): Promise<string | null>;
  /** Drops the cached holder (it did not answer). */
  forget(keyPrefix: string, id: string): void;
}

/** The per-route figures the proxy records. */
export interface ProxyMetrics {
  duration: { observe(labels: { route: string; status_code: string }, seconds: number): void };
  retries: { inc(labels: { route: string }): void };
  rejected: { inc(labels: { route: string; reason: string }): void };
}
