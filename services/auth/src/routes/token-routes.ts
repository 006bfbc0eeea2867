import {
  LoginRequest,
  LogoutAllRequest,
  LogoutAllResponse,
  NoContent,
  LogoutRequest,
  RefreshRequest,
  SignupRequest,
  TokenResponse,
} from '@phzzk/contracts';
import { caller, type ServiceApp } from '@phzzk/kit';
import Type from 'typebox';
import type { Sessions } from '../domain/sessions.ts';
import { callContext, NO_STORE, readCookie } from './request-context.ts';

/** The device cookie (OWASP "device cookies"): sent back only to the login route. */
export const DEVICE_COOKIE = 'phzzk_device';
const DEVICE_COOKIE_PATH = '/api/auth/login';

export function deviceCookie(token: string, maxAgeSeconds: number, secure: boolean): string {
  return `${DEVICE_COOKIE}=${token}; Path=${DEVICE_COOKIE_PATH}; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
}

/** Password sign-up and login, refresh, logout of one session and of all of them. */
export function tokenRoutes(app: ServiceApp, sessions: Sessions, settings: () => { secureCookies: boolean }): void {
  app.post(
    '/api/auth/signup',
    {
      schema: { body: SignupRequest, response: { 201: TokenResponse } },
      config: {
        problems: {
          400: ['WEAK_PASSWORD', 'INVALID_NICKNAME'],
          409: ['EMAIL_TAKEN', 'NICKNAME_TAKEN', 'NICKNAME_CONFUSABLE'],
          429: ['TOO_MANY_ATTEMPTS'],
          503: ['USER_SERVICE_UNAVAILABLE'],
        },
      },
    },
    async (request, reply) => {
      const tokens = await sessions.signup(request.body, callContext(request));
      return reply.code(201).headers(NO_STORE).send(tokens);
    },
  );

  app.post(
    '/api/auth/login',
    {
      schema: { body: LoginRequest, response: { 200: TokenResponse } },
      config: {
        problems: {
          401: ['INVALID_CREDENTIALS'],
          429: ['TOO_MANY_ATTEMPTS'],
          503: ['USER_SERVICE_UNAVAILABLE'],
        },
      },
    },
    async (request, reply) => {
      const { email, password } = request.body;
      const presented = readCookie(request.headers, DEVICE_COOKIE);
      const deviceToken = presented && /^[A-Za-z0-9_-]{16,128}$/.test(presented) ? presented : undefined;
      const { tokens, device } = await sessions.login(email, password, { ...callContext(request), deviceToken });
      return reply
        .headers(NO_STORE)
        .header('set-cookie', deviceCookie(device.token, device.maxAgeSeconds, settings().secureCookies))
        .send(tokens);
    },
  );

  app.post(
    '/api/auth/refresh',
    {
      schema: { body: RefreshRequest, response: { 200: TokenResponse } },
      config: { problems: { 401: ['TOKEN_INVALID', 'TOKEN_EXPIRED'], 503: ['USER_SERVICE_UNAVAILABLE'] } },
    },
    async (request, reply) => {
      const tokens = await sessions.refresh(request.body.refreshToken, request.id);
      return reply.headers(NO_STORE).send(tokens);
    },
  );

  app.post(
    '/api/auth/logout',
    { schema: { body: LogoutRequest, response: { 204: NoContent } } },
    async (request, reply) => {
      await sessions.logout(request.body.refreshToken);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/auth/logout-all',
    {
      schema: { body: Type.Union([LogoutAllRequest, Type.Null()]), response: { 200: LogoutAllResponse } },
      config: { problems: { 401: ['AUTH_REQUIRED'] } },
    },
    async (request, reply) => {
      const { userId, sessionId } = caller(request);
      const keepCurrent = request.body?.keepCurrent === true;
      const ended = await sessions.logoutAll(userId, keepCurrent ? sessionId : undefined);
      return reply.headers(NO_STORE).send({ ended });
    },
  );
}
