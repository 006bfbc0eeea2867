// Access-token fixtures for verifier tests (the auth service's own and the gateway's). Each bad
// token says which problem code a strict verifier answers with. Usage:
//
//   const fx = await createTokenFixtures({ issuer: 'phzzk-auth', audience: 'phzzk' });
//   serve fx.jwks as the JWKS; fx.valid() verifies; every entry of await fx.badTokens() must not.
import { createHmac, generateKeyPairSync, type KeyObject, randomUUID } from 'node:crypto';
import { exportJWK, type JWK, SignJWT } from 'jose';

export interface BadToken {
  name: string;
  token: string;
  /** The code a verifier should answer with (401 either way). */
  code: 'TOKEN_EXPIRED' | 'TOKEN_INVALID';
  /** Rejected by a strict verifier (typ `at+jwt` per RFC 9068, no `iat` in the future); jose's defaults accept it. */
  strictOnly?: boolean;
}

export interface TokenFixtureOptions {
  issuer: string;
  audience: string;
  kid?: string;
  /** Sign with this key instead of a generated RSA key (e.g. the PEM configured in an auth service). */
  privateKey?: KeyObject;
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

export async function createTokenFixtures(options: TokenFixtureOptions) {
  const kid = options.kid ?? `fixture-${randomUUID().slice(0, 8)}`;
  const privateKey = options.privateKey ?? generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const publicJwk: JWK = { ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' };
  for (const k of ['d', 'p', 'q', 'dp', 'dq', 'qi'] as const) delete publicJwk[k];
  const strangerKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;

  type Sign = {
    claims?: Record<string, unknown>;
    header?: Record<string, unknown>;
    key?: KeyObject;
    expiresIn?: number;
    issuedAgo?: number;
  };
  const sign = (s: Sign = {}) => {
    const now = Math.floor(Date.now() / 1000) - (s.issuedAgo ?? 0);
    return new SignJWT({ sid: `sid-${randomUUID()}`, roles: ['user'], ...s.claims })
      .setProtectedHeader({ alg: 'RS256', kid, typ: 'at+jwt', ...s.header })
      .setIssuer((s.claims?.iss as string) ?? options.issuer)
      .setAudience((s.claims?.aud as string) ?? options.audience)
      .setSubject((s.claims?.sub as string) ?? randomUUID())
      .setIssuedAt(now)
      .setExpirationTime(now + (s.expiresIn ?? 600))
      .setJti(randomUUID())
      .sign(s.key ?? privateKey);
  };

  return {
    kid,
    jwks: { keys: [publicJwk] },
    /** A valid access token; claims override the defaults (sub, sid, roles ...). */
    valid: (claims: Record<string, unknown> = {}) => sign({ claims }),
    async badTokens(): Promise<BadToken[]> {
      const good = await sign();
      const [h, p, s] = good.split('.') as [string, string, string];
      const payload = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
      const flipped = `${s.slice(0, -4)}${s.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`;
      // HS256 signed with the public JWK as the HMAC secret: the classic RS/HS algorithm confusion.
      const hsHeader = b64({ alg: 'HS256', kid, typ: 'at+jwt' });
      const hsSig = createHmac('sha256', JSON.stringify(publicJwk)).update(`${hsHeader}.${p}`).digest('base64url');
      return [
        { name: 'expired', token: await sign({ issuedAgo: 1200, expiresIn: 600 }), code: 'TOKEN_EXPIRED' },
        {
          name: 'tampered payload (sub changed)',
          token: `${h}.${b64({ ...payload, sub: 'someone-else' })}.${s}`,
          code: 'TOKEN_INVALID',
        },
        { name: 'tampered signature', token: `${h}.${p}.${flipped}`, code: 'TOKEN_INVALID' },
        {
          name: 'alg none, no signature',
          token: `${b64({ alg: 'none', kid, typ: 'at+jwt' })}.${p}.`,
          code: 'TOKEN_INVALID',
        },
        {
          name: 'alg none, original signature',
          token: `${b64({ alg: 'none', kid })}.${p}.${s}`,
          code: 'TOKEN_INVALID',
        },
        { name: 'HS256 with the public key as secret', token: `${hsHeader}.${p}.${hsSig}`, code: 'TOKEN_INVALID' },
        { name: 'wrong audience', token: await sign({ claims: { aud: 'some-other-api' } }), code: 'TOKEN_INVALID' },
        {
          name: 'sign-up ticket audience',
          token: await sign({ claims: { aud: `${options.audience}:social-signup` } }),
          code: 'TOKEN_INVALID',
        },
        { name: 'wrong issuer', token: await sign({ claims: { iss: 'https://evil.example' } }), code: 'TOKEN_INVALID' },
        { name: 'unknown kid', token: await sign({ header: { kid: 'no-such-key' } }), code: 'TOKEN_INVALID' },
        { name: 'no kid', token: await sign({ header: { kid: undefined } }), code: 'TOKEN_INVALID' },
        { name: 'right kid, stranger key', token: await sign({ key: strangerKey }), code: 'TOKEN_INVALID' },
        {
          name: 'issued in the future',
          token: await sign({ issuedAgo: -600 }),
          code: 'TOKEN_INVALID',
          strictOnly: true,
        },
        { name: 'missing sid', token: await sign({ claims: { sid: undefined } }), code: 'TOKEN_INVALID' },
        { name: 'not a JWT', token: 'not-a-jwt', code: 'TOKEN_INVALID' },
        { name: 'three empty parts', token: '..', code: 'TOKEN_INVALID' },
        {
          name: 'typ JWT instead of at+jwt',
          token: await sign({ header: { typ: 'JWT' } }),
          code: 'TOKEN_INVALID',
          strictOnly: true,
        },
      ];
    },
  };
}
