import { PrivateUser, UpdateMeRequest } from '@phzzk/contracts';
import { caller, type ServiceApp } from '@phzzk/kit';
import type { Accounts } from '../domain/accounts.ts';
import { privateProfile } from '../domain/user.ts';
import { asProblem } from './problems.ts';

/** The signed-in user's own account: read, and change nickname, email or password. */
export function meRoutes(app: ServiceApp, accounts: Accounts): void {
  app.get('/api/users/me', { schema: { response: { 200: PrivateUser } } }, async (request, reply) => {
    const id = caller(request).userId;
    reply.header('cache-control', 'no-store');
    const { user, identities } = await asProblem(() => accounts.getWithIdentities(id));
    return privateProfile(user, identities);
  });

  app.patch(
    '/api/users/me',
    { schema: { body: UpdateMeRequest, response: { 200: PrivateUser } } },
    async (request, reply) => {
      const id = caller(request).userId;
      reply.header('cache-control', 'no-store');
      await asProblem(() => accounts.updateProfile(id, request.body));
      const { user, identities } = await asProblem(() => accounts.getWithIdentities(id));
      return privateProfile(user, identities);
    },
  );
}
