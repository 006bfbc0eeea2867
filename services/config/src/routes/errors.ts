import { ProblemError } from '@phzzk/kit';
import { ConfigInvalid, LabelNotFound, RepositoryNotReady } from '../domain/config-repository.ts';
import { InvalidName } from '../domain/names.ts';

/** Domain errors as problem+json: the route stays thin, the meaning stays in one place. */
export function toProblem(error: unknown): unknown {
  if (error instanceof InvalidName) return new ProblemError(400, 'INVALID_NAME', error.message, { field: error.field });
  if (error instanceof LabelNotFound) return new ProblemError(404, 'LABEL_NOT_FOUND', error.message);
  if (error instanceof ConfigInvalid) return new ProblemError(422, 'CONFIG_INVALID', error.message);
  if (error instanceof RepositoryNotReady) return new ProblemError(503, 'REPOSITORY_NOT_READY', error.message);
  return error;
}
