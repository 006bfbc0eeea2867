import {
  LoginRequest,
  LogoutAllRequest,
  LogoutRequest,
  RefreshRequest,
  SignupRequest,
  TokenResponse,
} from '@phzzk/contracts';
import { caller, type ServiceApp } from '@phzzk/kit';
import Type from 'typebox';
import type { Sessions } from '../domain/sessions.ts';
import { asProblem } from './problems.ts';
import { callContext, NO_STORE } from './request-context.ts';

/** Password sign-up and login, refresh, logout of one session and of all of them. */
export function tokenRoutes(app: ServiceApp, sessions: Sessions): void {
  app.post(
    '/api/auth/signup',
    { schema: { body: SignupRequest, response: { 201: TokenResponse } } },
    async (request, reply) => {
      const tokens = await asProblem(() => sessions.signup(request.body, callContext(request)));
      return reply.code(201).headers(NO_STORE).send(tokens);
    },
  );

  app.post(
    '/api/auth/login',
    { schema: { body: LoginRequest, response: { 200: TokenResponse } } },
    async (request, reply) => {
      const { email, password } = request.body;
      const tokens = await asProblem(() => sessions.login(email, password, callContext(request)));
      return reply.headers(NO_STORE).send(tokens);
    },
  );

  app.post(
    '/api/auth/refresh',
    { schema: { body: RefreshRequest, response: { 200: TokenResponse } } },
    async (request, reply) => {
      const tokens = await asProblem(() => sessions.refresh(request.body.refreshToken, request.id));
      return reply.headers(NO_STORE).send(tokens);
    },
  );

  app.post('/api/auth/logout', { schema: { body: LogoutRequest } }, async (request, reply) => {
    await asProblem(() => sessions.logout(request.body.refreshToken));
    return reply.code(204).send();
  });

  app.post(
    '/api/auth/logout-all',
    { schema: { body: Type.Union([LogoutAllRequest, Type.Null()]) } },
    async (request, reply) => {
      const { userId, sessionId } = caller(request);
      const keepCurrent = request.body?.keepCurrent === true;
      const ended = await asProblem(() => sessions.logoutAll(userId, keepCurrent ? sessionId : undefined));
      return reply.headers(NO_STORE).send({ ended });
    },
  );
}
