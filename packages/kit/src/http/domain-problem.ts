import { DomainError } from '../errors/domain-error.ts';
import { httpStatusOf } from '../errors/error-kinds.ts';
import { ProblemError } from './problem-error.ts';

/** The problem a domain failure is answered with: its kind's status, its code, detail and extra. */
export function problemOf(error: DomainError): ProblemError {
  return new ProblemError(httpStatusOf(error.kind), error.code, error.message, error.extra);
}

/** A domain failure as its problem; anything else unchanged. */
export function asProblemError(error: unknown): unknown {
  return error instanceof DomainError ? problemOf(error) : error;
}
