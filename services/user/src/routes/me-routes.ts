import { PrivateUser, UpdateMeRequest } from '@phzzk/contracts';
import { caller, type ServiceApp } from '@phzzk/kit';
import type { Accounts } from '../domain/accounts.ts';
import { privateProfile } from '../domain/user.ts';

/** The signed-in user's own account: read, and change nickname, email or password. */
export function meRoutes(app: ServiceApp, accounts: Accounts): void {
  const me = {
    schema: { response: { 200: PrivateUser } },
    config: { problems: { 401: ['AUTH_REQUIRED'], 404: ['USER_NOT_FOUND'] } },
  };
  app.get('/api/users/me', me, async (request, reply) => {
    const id = caller(request).userId;
    reply.header('cache-control', 'no-store');
    const { user, identities } = await accounts.getWithIdentities(id);
    return privateProfile(user, identities);
  });

  app.patch(
    '/api/users/me',
    {
      schema: { body: UpdateMeRequest, response: { 200: PrivateUser } },
      config: {
        problems: {
          400: ['INVALID_NICKNAME', 'WEAK_PASSWORD', 'CURRENT_PASSWORD_REQUIRED'],
          401: ['AUTH_REQUIRED'],
          403: ['CURRENT_PASSWORD_INVALID', 'EMAIL_CHANGE_FORBIDDEN'],
          404: ['USER_NOT_FOUND'],
          409: ['EMAIL_TAKEN', 'NICKNAME_TAKEN', 'NICKNAME_CONFUSABLE'],
          429: ['TOO_MANY_ATTEMPTS'],
        },
      },
    },
    async (request, reply) => {
      const id = caller(request).userId;
      reply.header('cache-control', 'no-store');
      await accounts.updateProfile(id, request.body);
      const { user, identities } = await accounts.getWithIdentities(id);
      return privateProfile(user, identities);
    },
  );
}
