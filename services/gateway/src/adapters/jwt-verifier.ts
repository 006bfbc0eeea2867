import { errors, importJWK, type JWK, jwtVerify, type JWTHeaderParameters, type CryptoKey } from 'jose';
import { type AccessClaims, claimsFromPayload, TokenRejected } from '../domain/access-claims.ts';
import { TokenCache } from '../domain/token-cache.ts';

export type JwksSource = () => Promise<{ keys: JWK[] }>;

const ALGORITHMS = ['RS256', 'PS256', 'ES256', 'EdDSA'];
/** Clock skew allowed between the auth service and the gateway (revocations are kept this much longer). */
export const CLOCK_TOLERANCE_S = 5;

/**
 * Verifies access tokens locally against the auth service's JWKS: keys are fetched once and
 * cached, refetched when a token names an unknown `kid`, so a key rotation is picked up without
 * a network call per request. Refetches are at most one per `minRefreshMs` (tokens with made-up
 * kids cannot flood the auth service); a request that arrives inside that window waits for the
 * next refetch instead of failing.
 */
export class JwtVerifier {
  private readonly source: JwksSource;
  private readonly issuer: () => string;
  private readonly audience: () => string;
  private readonly minRefreshMs: number;
  private keys = new Map<string, CryptoKey | Uint8Array>();
  private lastFetch = 0;
  private fetching: Promise<void> | undefined;
  private readonly cache = new TokenCache<AccessClaims>();

  constructor(options: { jwks: JwksSource; issuer: () => string; audience: () => string; minRefreshMs?: number }) {
    this.source = options.jwks;
    this.issuer = options.issuer;
    this.audience = options.audience;
    this.minRefreshMs = options.minRefreshMs ?? 1000;
  }

  get knownKeyIds(): string[] {
    return [...this.keys.keys()];
  }

  async refresh(): Promise<void> {
    this.fetching ??= (async () => {
      try {
        const { keys } = await this.source();
        const next = new Map<string, CryptoKey | Uint8Array>();
        for (const jwk of keys) {
          if (!jwk.kid || (jwk.use && jwk.use !== 'sig')) continue;
          const alg = jwk.alg ?? (jwk.kty === 'RSA' ? 'RS256' : jwk.kty === 'EC' ? 'ES256' : 'EdDSA');
          if (!ALGORITHMS.includes(alg)) continue;
          next.set(jwk.kid, await importJWK(jwk, alg));
        }
        this.keys = next;
        this.lastFetch = Date.now();
      } finally {
        this.fetching = undefined;
      }
    })();
    return this.fetching;
  }

  /** One shared refetch, no earlier than `minRefreshMs` after the previous one. */
  private refreshSoon(): Promise<void> {
    if (this.fetching) return this.fetching;
    const wait = this.lastFetch + this.minRefreshMs - Date.now();
    if (wait <= 0) return this.refresh();
    this.fetching = new Promise<void>((resolve) => setTimeout(resolve, wait)).then(() => {
      this.fetching = undefined;
      return this.refresh();
    });
    return this.fetching;
  }

  private async keyFor(header: JWTHeaderParameters): Promise<CryptoKey | Uint8Array> {
    const kid = header.kid;
    if (!kid) throw new TokenRejected('TOKEN_INVALID', 'token has no kid');
    let key = this.keys.get(kid);
    if (!key) {
      await this.refreshSoon().catch(() => {});
      key = this.keys.get(kid);
    }
    if (!key) throw new TokenRejected('TOKEN_INVALID', 'token signed with an unknown key');
    return key;
  }

  /** The claims of a token verified before and not expired since: no signature check, no promise. */
  cached(token: string): AccessClaims | undefined {
    return this.cache.get(token, Math.floor(Date.now() / 1000));
  }

  async verify(token: string): Promise<AccessClaims> {
    const now = Math.floor(Date.now() / 1000);
    const cached = this.cache.get(token, now);
    if (cached) return cached;
    try {
      const { payload } = await jwtVerify(token, (header) => this.keyFor(header), {
        issuer: this.issuer(),
        audience: this.audience(),
        algorithms: ALGORITHMS,
        clockTolerance: CLOCK_TOLERANCE_S,
        requiredClaims: ['exp', 'iat', 'sub'],
        // RFC 9068: access tokens are typed, so no other JWT of the auth service passes as one.
        typ: 'at+jwt',
      });
      if (typeof payload.iat === 'number' && payload.iat > now + CLOCK_TOLERANCE_S) {
        throw new TokenRejected('TOKEN_INVALID', 'token issued in the future');
      }
      const claims = claimsFromPayload(payload as Record<string, unknown>);
      if (!claims) throw new TokenRejected('TOKEN_INVALID', 'token lacks sub, sid or exp');
      this.cache.set(token, claims);
      return claims;
    } catch (error) {
      if (error instanceof TokenRejected) throw error;
      if (error instanceof errors.JWTExpired) throw new TokenRejected('TOKEN_EXPIRED', 'access token expired');
      throw new TokenRejected('TOKEN_INVALID', 'access token is invalid');
    }
  }
}
