/** A rule of the account domain was broken; routes turn it into a problem with the same code. */
export class AccountError extends Error {
  readonly status: number;
  readonly code: string;
  readonly extra: Record<string, unknown>;

  constructor(status: number, code: string, detail: string, extra: Record<string, unknown> = {}) {
    super(detail);
    this.name = 'AccountError';
    this.status = status;
    this.code = code;
    this.extra = extra;
  }
}
