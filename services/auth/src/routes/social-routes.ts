import { SocialExchangeRequest, SocialResult, SocialSignupRequest, TokenResponse } from '@phzzk/contracts';
import type { ServiceApp } from '@phzzk/kit';
import Type from 'typebox';
import { AuthError } from '../domain/errors.ts';
import type { SocialLogin, SocialResult as Result } from '../domain/social-login.ts';
import { asProblem, toProblem } from './problems.ts';
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

  app.get('/api/auth/social/providers', async (_request, reply) =>
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
      },
    },
    async (request, reply) => {
      const { redirectUrl, binding } = await asProblem(() =>
        social.begin(request.params.provider, request.query.returnTo),
      );
      return reply
        .header('set-cookie', cookie(binding, settings().stateTtlSeconds, secure()))
        .header('cache-control', 'no-store')
        .header('referrer-policy', 'no-referrer')
        .redirect(redirectUrl.toString(), 302);
    },
  );

  app.get('/api/auth/social/:provider/callback', { schema: { params: Provider } }, async (request, reply) => {
    const json = wantsJson(request.headers.accept);
    const binding = readCookie(request.headers, BINDING_COOKIE);
    const url = new URL(request.url, 'http://callback.invalid');
    reply.headers(NO_STORE).header('referrer-policy', 'no-referrer');
    let result: Result;
    try {
      result = await social.complete(request.params.provider, url, binding, request.id);
    } catch (error) {
      if (json || !(error instanceof AuthError)) throw toProblem(error);
      request.log.info({ code: error.code }, 'social login failed');
      return reply.header('set-cookie', cookie('', 0, secure())).redirect(completeTarget({ error: error.code }), 302);
    }
    if (json) return reply.header('set-cookie', cookie('', 0, secure())).send(result);
    const code = await social.holdResult(result, binding ?? '', settings().resultTtlSeconds);
    return reply.redirect(completeTarget({ code }), 302);
  });

  app.post(
    '/api/auth/social/exchange',
    { schema: { body: SocialExchangeRequest, response: { 200: SocialResult } } },
    async (request, reply) => {
      const result = await asProblem(() =>
        social.exchange(request.body.code, readCookie(request.headers, BINDING_COOKIE)),
      );
      return reply
        .headers(NO_STORE)
        .header('set-cookie', cookie('', 0, secure()))
        .send(result);
    },
  );

  app.post(
    '/api/auth/social/signup',
    { schema: { body: SocialSignupRequest, response: { 201: TokenResponse } } },
    async (request, reply) => {
      const { tokens } = await asProblem(() => social.finishSignup(request.body, request.id));
      return reply.code(201).headers(NO_STORE).send(tokens);
    },
  );
}
