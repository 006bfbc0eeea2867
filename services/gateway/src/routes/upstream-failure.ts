import { ProblemError } from '@phzzk/kit';
import { isTimeout } from '../domain/retry-policy.ts';

/**
 * The problem a client sees when no instance answered a routed request or upgrade: 503 when there
 * was none to try, 504 when the last one tried did not answer in time, otherwise 502. It names the
 * route and nothing internal.
 */
export function upstreamFailure(routeId: string, lastError: unknown, tried: boolean): ProblemError {
  const route = { route: routeId };
  if (!tried) {
    return new ProblemError(
      503,
      'NO_INSTANCE',
      `No instance of the service behind route ${routeId} is available`,
      route,
    );
  }
  if (isTimeout(lastError)) {
    return new ProblemError(
      504,
      'UPSTREAM_TIMEOUT',
      `The service behind route ${routeId} did not answer in time`,
      route,
    );
  }
  return new ProblemError(
    502,
    'UPSTREAM_UNREACHABLE',
    `The service behind route ${routeId} could not be reached`,
    route,
  );
}
