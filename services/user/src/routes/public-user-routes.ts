import { PublicUser, Uuid } from '@phzzk/contracts';
import type { ServiceApp } from '@phzzk/kit';
import Type from 'typebox';
import type { Accounts } from '../domain/accounts.ts';
import { publicProfile } from '../domain/user.ts';

export function publicUserRoutes(app: ServiceApp, accounts: Accounts): void {
  app.get(
    '/api/users/:id',
    {
      schema: {
        params: Type.Object({ id: Uuid }, { additionalProperties: false }),
        response: { 200: PublicUser },
      },
      config: { problems: { 404: ['USER_NOT_FOUND'] } },
    },
    async (request) => publicProfile(await accounts.get(request.params.id)),
  );
}
