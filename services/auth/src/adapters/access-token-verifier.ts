import { errors, type JWK, type JWTHeaderParameters, importJWK, jwtVerify } from 'jose';
import { DomainError } from '@phzzk/kit/errors';
import { ACCESS_TOKEN_TYPE, accessFromPayload, type VerifiedAccess } from '../domain/token-claims.ts';

type VerifyKey = Awaited<ReturnType<typeof importJWK>>;

const CLOCK_TOLERANCE_SECONDS = 5;

/**
 * Verifies PHZZK access tokens against a JWKS, as any resource server should: the key is chosen
 * by `kid` and must be of the algorithm that key is for (no `alg: none`, no RS/HS confusion), and
 * `typ`, `iss`, `aud`, `exp`, `iat`, `sub`, `sid`, `jti` and `roles` are all checked.
 * The gateway does the same; tests and the bench use this one.
 */
export class AccessTokenVerifier {
  private readonly keys = new Map<string, { alg: string; key: VerifyKey }>();
  private readonly issuer: string;
  private readonly audience: string;

  private constructor(issuer: string, audience: string) {
    this.issuer = issuer;
    this.audience = audience;
  }

  static async fromJwks(
    jwks: { keys: JWK[] },
    options: { issuer: string; audience: string },
  ): Promise<AccessTokenVerifier> {
    const verifier = new AccessTokenVerifier(options.issuer, options.audience);
    for (const jwk of jwks.keys) {
      if (!jwk.kid || !jwk.alg || (jwk.use && jwk.use !== 'sig')) continue;
      verifier.keys.set(jwk.kid, { alg: jwk.alg, key: await importJWK(jwk, jwk.alg) });
    }
    return verifier;
  }

  private keyFor(header: JWTHeaderParameters): VerifyKey {
    const entry = header.kid === undefined ? undefined : this.keys.get(header.kid);
    if (!entry || entry.alg !== header.alg)
      throw new DomainError('unauthenticated', 'TOKEN_INVALID', 'token signed with an unknown key');
    return entry.key;
  }

  async verify(token: string): Promise<VerifiedAccess> {
    try {
      const { payload } = await jwtVerify(token, (header) => this.keyFor(header), {
        issuer: this.issuer,
        audience: this.audience,
        typ: ACCESS_TOKEN_TYPE,
        algorithms: ['RS256', 'PS256', 'ES256', 'EdDSA'],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ['exp', 'iat', 'sub', 'jti'],
      });
      // jose checks nbf but not a future iat; a token "issued" later than now was not issued by us.
      if (typeof payload.iat === 'number' && payload.iat > Date.now() / 1000 + CLOCK_TOLERANCE_SECONDS) {
        throw new DomainError('unauthenticated', 'TOKEN_INVALID', 'access token issued in the future');
      }
      const access = accessFromPayload(payload as Record<string, unknown>);
      if (!access) throw new DomainError('unauthenticated', 'TOKEN_INVALID', 'access token lacks sid, roles or jti');
      return access;
    } catch (error) {
      if (error instanceof DomainError) throw error;
      if (error instanceof errors.JWTExpired)
        throw new DomainError('unauthenticated', 'TOKEN_EXPIRED', 'access token expired');
      throw new DomainError('unauthenticated', 'TOKEN_INVALID', 'access token is invalid');
    }
  }
}
