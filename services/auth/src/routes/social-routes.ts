import { Redirect, SocialExchangeRequest, SocialResult, SocialSignupRequest, TokenResponse } from '@phzzk/contracts';
import type { ServiceApp } from '@phzzk/kit';
import Type from 'typebox';
import { DomainError } from '@phzzk/kit/errors';
import type { SocialLogin, SocialResult as Result } from '../domain/social-login.ts';
import { NO_STORE, readCookie } from './request-context.ts';

export const BINDING_COOKIE = 'phzzk_social';
const COOKIE_PATH = '/api/auth/social';

export interface SocialRouteSettings {
  /** Where browsers reach the platform (the gateway), e.g. https://phzzk.example. */
  publicUrl: string;
  /** The web page that finishes a browser login, relative to publicUrl or absolute. */
  completeUrl: string;
  stateTtlSeconds: number;
  resultTtlSeconds: number;
  /** The enabled providers' ids, for login pages that show a button per provider. */
  providers?: string[];
}

/** The social login providers configured here, for the sign-in page's buttons. */
const SocialProviders = Type.Object(
  {
    items: Type.Array(Type.Object({ id: Type.String(), name: Type.String() }, { additionalProperties: false })),
  },
  { additionalProperties: false },
);

const Provider = Type.Object(
  { provider: Type.String({ pattern: '^[a-z][a-z0-9-]{1,31}$' }) },
  { additionalProperties: false },
);

/** API clients ask for JSON; a browser following the provider's redirect gets a redirect. */
const wantsJson = (accept: string | undefined) =>
  !!accept && /application\/json/.test(accept) && !/text\/html/.test(accept);

function cookie(value: string, maxAge: number, secure: boolean): string {
  return `${BINDING_COOKIE}=${value}; Path=${COOKIE_PATH}; Max-Age=${maxAge}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
}

/**
 * Social login. authorize: 302 to the provider, with state, nonce and PKCE kept in Redis and
 * bound to this browser by an HttpOnly cookie. callback: JSON for API clients; browsers are sent
 * to the web app's completion page with only a one-time code in the fragment
 * (`/auth/complete#code=...`), which the page trades for the result at POST /exchange.
 */
export function socialRoutes(app: ServiceApp, social: SocialLogin, settings: () => SocialRouteSettings): void {
  const secure = () => settings().publicUrl.startsWith('https:');
  const completeTarget = (fragment: Record<string, string>) => {
    const s = settings();
    const url = new URL(s.completeUrl, s.publicUrl);
    url.hash = new URLSearchParams(fragment).toString();
    return url.toString();
  };

  app.get('/api/auth/social/providers', { schema: { response: { 200: SocialProviders } } }, async (_request, reply) =>
    reply.header('cache-control', 'public, max-age=30').send({
      items: (settings().providers ?? []).map((id) => ({ id, name: id })),
    }),
  );

  app.get(
    '/api/auth/social/:provider/authorize',
    {
      schema: {
        params: Provider,
        querystring: Type.Object(
          { returnTo: Type.Optional(Type.String({ maxLength: 512 })) },
          { additionalProperties: false },
        ),
        response: { 302: Redirect },
      },
      config: { problems: { 404: ['SOCIAL_PROVIDER_UNKNOWN'] } },
    },
    async (request, reply) => {
      const { redirectUrl, binding } = await social.begin(request.params.provider, request.query.returnTo);
      return reply
        .header('set-cookie', cookie(binding, settings().stateTtlSeconds, secure()))
        .header('cache-control', 'no-store')
        .header('referrer-policy', 'no-referrer')
        .redirect(redirectUrl.toString(), 302);
    },
  );

  const callback = {
    schema: { params: Provider, response: { 200: SocialResult, 302: Redirect } },
    config: {
      problems: {
        400: ['SOCIAL_STATE_INVALID', 'SOCIAL_EMAIL_MISSING'],
        403: ['SOCIAL_ACCESS_DENIED', 'SOCIAL_EMAIL_UNVERIFIED'],
        404: ['SOCIAL_PROVIDER_UNKNOWN'],
        409: ['IDENTITY_TAKEN', 'PROVIDER_ALREADY_LINKED'],
        502: ['SOCIAL_PROVIDER_ERROR', 'SOCIAL_PROVIDER_UNREACHABLE'],
        503: ['USER_SERVICE_UNAVAILABLE'],
      },
    },
  };
  app.get('/api/auth/social/:provider/callback', callback, async (request, reply) => {
    const json = wantsJson(request.headers.accept);
    const binding = readCookie(request.headers, BINDING_COOKIE);
    const url = new URL(request.url, 'http://callback.invalid');
    reply.headers(NO_STORE).header('referrer-policy', 'no-referrer');
    let result: Result;
    try {
      result = await social.complete(request.params.provider, url, binding, request.id);
    } catch (error) {
      if (json || !(error instanceof DomainError)) throw error;
      request.log.info({ code: error.code }, 'social login failed');
      return reply.header('set-cookie', cookie('', 0, secure())).redirect(completeTarget({ error: error.code }), 302);
    }
    if (json) return reply.header('set-cookie', cookie('', 0, secure())).send(result);
    const code = await social.holdResult(result, binding ?? '', settings().resultTtlSeconds);
    return reply.redirect(completeTarget({ code }), 302);
  });

  app.post(
    '/api/auth/social/exchange',
    {
      schema: { body: SocialExchangeRequest, response: { 200: SocialResult } },
      config: { problems: { 400: ['SOCIAL_CODE_INVALID'] } },
    },
    async (request, reply) => {
      const result = await social.exchange(request.body.code, readCookie(request.headers, BINDING_COOKIE));
      return reply
        .headers(NO_STORE)
        .header('set-cookie', cookie('', 0, secure()))
        .send(result);
    },
  );

  app.post(
    '/api/auth/social/signup',
    {
      schema: { body: SocialSignupRequest, response: { 201: TokenResponse } },
      config: {
        problems: {
          400: ['WEAK_PASSWORD', 'INVALID_NICKNAME'],
          401: ['SIGNUP_TICKET_INVALID', 'SIGNUP_TICKET_EXPIRED', 'SIGNUP_TICKET_USED'],
          409: ['EMAIL_TAKEN', 'NICKNAME_TAKEN', 'NICKNAME_CONFUSABLE', 'IDENTITY_TAKEN'],
          503: ['USER_SERVICE_UNAVAILABLE'],
        },
      },
    },
    async (request, reply) => {
      const { tokens } = await social.finishSignup(request.body, request.id);
      return reply.code(201).headers(NO_STORE).send(tokens);
    },
  );
}
