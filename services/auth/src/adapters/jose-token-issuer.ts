import { errors, jwtVerify, SignJWT } from 'jose';
import { DomainError } from '@phzzk/kit/errors';
import type { Secrets, TokenIssuer } from '../domain/ports.ts';
import {
  accessTokenSpec,
  SIGNUP_TICKET_PURPOSE,
  SIGNUP_TICKET_TYPE,
  type SignupTicketClaims,
  signupTicketAudience,
  ticketFromPayload,
} from '../domain/token-claims.ts';
import type { Keyring } from './signing-keys.ts';

export interface IssuerSettings {
  issuer: string;
  audience: string;
  accessTtlSeconds: number;
  signupTicketTtlSeconds: number;
}

/** Signs access tokens and sign-up tickets with the active key of the keyring (jose). */
export class JoseTokenIssuer implements TokenIssuer {
  private readonly keyring: () => Keyring;
  private readonly settings: () => IssuerSettings;
  private readonly secrets: Secrets;

  constructor(keyring: () => Keyring, settings: () => IssuerSettings, secrets: Secrets) {
    this.keyring = keyring;
    this.settings = settings;
    this.secrets = secrets;
  }

  async accessToken(input: { userId: string; sessionId: string; roles: string[] }) {
    const s = this.settings();
    const key = this.keyring().active;
    const spec = accessTokenSpec({
      ...input,
      issuer: s.issuer,
      audience: s.audience,
      ttlSeconds: s.accessTtlSeconds,
      nowSeconds: Math.floor(Date.now() / 1000),
      jti: this.secrets.uuid(),
    });
    const token = await new SignJWT(spec.payload)
      .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: spec.header.typ })
      .setSubject(spec.subject)
      .setIssuer(spec.issuer)
      .setAudience(spec.audience)
      .setIssuedAt(spec.issuedAt)
      .setExpirationTime(spec.expiresAt)
      .setJti(spec.jti)
      .sign(key.privateKey);
    return { token, expiresIn: s.accessTtlSeconds };
  }

  async signupTicket(claims: Omit<SignupTicketClaims, 'jti'>) {
    const s = this.settings();
    const key = this.keyring().active;
    const token = await new SignJWT({
      purpose: SIGNUP_TICKET_PURPOSE,
      provider: claims.provider,
      psub: claims.providerSubject,
      email: claims.email,
      returnTo: claims.returnTo,
    })
      .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: SIGNUP_TICKET_TYPE })
      .setIssuer(s.issuer)
      .setAudience(signupTicketAudience(s.audience))
      .setIssuedAt()
      .setExpirationTime(`${s.signupTicketTtlSeconds}s`)
      .setJti(this.secrets.uuid())
      .sign(key.privateKey);
    return { token, expiresIn: s.signupTicketTtlSeconds };
  }

  async verifySignupTicket(token: string): Promise<SignupTicketClaims> {
    const s = this.settings();
    const keyring = this.keyring();
    try {
      const { payload } = await jwtVerify(
        token,
        (header) => {
          const key = keyring.byKid(header.kid);
          if (!key || header.alg !== key.alg) throw new Error('unknown key');
          return key.publicKey;
        },
        {
          issuer: s.issuer,
          audience: signupTicketAudience(s.audience),
          typ: SIGNUP_TICKET_TYPE,
          requiredClaims: ['exp', 'iat', 'jti'],
        },
      );
      const claims = ticketFromPayload(payload as Record<string, unknown>);
      if (!claims) throw new Error('not a sign-up ticket');
      return claims;
    } catch (error) {
      if (error instanceof errors.JWTExpired) {
        throw new DomainError(
          'unauthenticated',
          'SIGNUP_TICKET_EXPIRED',
          'The sign-up took too long; start the social login again.',
        );
      }
      throw new DomainError('unauthenticated', 'SIGNUP_TICKET_INVALID', 'The sign-up ticket is not valid.');
    }
  }
}
