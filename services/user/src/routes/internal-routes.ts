import {
  CreateAccountRequest,
  InternalAccount,
  LinkIdentityResponse,
  LookupAccountRequest,
  SocialIdentityInput,
  Uuid,
  VerifyCredentialsRequest,
} from '@phzzk/contracts';
import { internalRoutes, type ServiceApp, strictValidator } from '@phzzk/kit';
import Type from 'typebox';
import type { Accounts } from '../domain/accounts.ts';
import { internalAccount } from '../domain/user.ts';

/**
 * The auth service's view of accounts, under /internal (the gateway never routes there): only the
 * auth service, with its signed service credential, may call them.
 */
export function accountInternalRoutes(app: ServiceApp, accounts: Accounts): void {
  internalRoutes(app, (scope) => routes(scope, accounts), { callers: ['auth'] });
}

function routes(app: ServiceApp, accounts: Accounts): void {
  app.post(
    '/accounts',
    { schema: { body: CreateAccountRequest, response: { 201: InternalAccount } }, validatorCompiler: strictValidator },
    async (request, reply) => {
      const user = await accounts.create(request.body);
      return reply.code(201).send(internalAccount(user));
    },
  );

  app.post(
    '/credentials/verify',
    {
      schema: { body: VerifyCredentialsRequest, response: { 200: InternalAccount } },
      validatorCompiler: strictValidator,
    },
    async (request) => internalAccount(await accounts.verifyCredentials(request.body.email, request.body.password)),
  );

  app.post(
    '/accounts/lookup',
    { schema: { body: LookupAccountRequest, response: { 200: InternalAccount } }, validatorCompiler: strictValidator },
    async (request) => {
      const body = request.body;
      const user = await ('email' in body
        ? accounts.findByEmail(body.email)
        : accounts.findByIdentity(body.provider, body.subject));
      return internalAccount(user);
    },
  );

  app.get(
    '/accounts/:id',
    {
      schema: {
        params: Type.Object({ id: Uuid }, { additionalProperties: false }),
        response: { 200: InternalAccount },
      },
    },
    async (request) => internalAccount(await accounts.get(request.params.id)),
  );

  app.post(
    '/accounts/:id/identities',
    {
      schema: {
        params: Type.Object({ id: Uuid }, { additionalProperties: false }),
        body: SocialIdentityInput,
        response: { 200: LinkIdentityResponse },
      },
      validatorCompiler: strictValidator,
    },
    async (request) => {
      const { user, emailNewlyVerified } = await accounts.linkIdentity(request.params.id, request.body);
      return { account: internalAccount(user), emailNewlyVerified };
    },
  );
}
