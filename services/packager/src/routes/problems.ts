import { ProblemError } from '@phzzk/kit';
import { PackagerError } from '../domain/errors.ts';

/** Runs a use case and turns a broken domain rule into the problem with the same status and code. */
export async function asProblem<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof PackagerError) throw new ProblemError(error.status, error.code, error.message);
    throw error;
  }
}
