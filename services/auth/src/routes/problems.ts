import { ProblemError } from '@phzzk/kit';
import { AuthError } from '../domain/errors.ts';

/** Runs a use case and turns an AuthError into the problem with the same status and code. */
export async function asProblem<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toProblem(error);
  }
}

export function toProblem(error: unknown): unknown {
  return error instanceof AuthError ? new ProblemError(error.status, error.code, error.message, error.extra) : error;
}
