/** A rule of authentication was broken; routes turn it into a problem with the same status and code. */
export class AuthError extends Error {
  readonly status: number;
  readonly code: string;
  readonly extra: Record<string, unknown>;

  constructor(status: number, code: string, detail: string, extra: Record<string, unknown> = {}) {
    super(detail);
    this.name = 'AuthError';
    this.status = status;
    this.code = code;
    this.extra = extra;
  }
}

export const invalidCredentials = () =>
  new AuthError(401, 'INVALID_CREDENTIALS', 'The email or password is incorrect.');
